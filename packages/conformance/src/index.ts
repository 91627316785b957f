/**
 * @omophub/conformance (private): the scenarios every runtime adapter must pass, and a runner.
 * Runtime-agnostic; the Node-only sandbox harness is `@omophub/conformance/harness`.
 *
 * @module
 */
export { ConformanceFailure, check, equal, rejection } from "./Assert.ts"
export { type QuickStart, quickStart } from "./QuickStart.ts"
export { runScenario, runScenarios, type ScenarioResult } from "./Runner.ts"
export { type LoggedRequest, type SandboxControl, sandboxControl } from "./SandboxControl.ts"
export { type ServerAdapter, serverContext } from "./ServerContext.ts"
export { type ConformanceClient, type ConformanceContext, type Scenario, scenarios } from "./scenarios.ts"
