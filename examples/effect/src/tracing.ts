/**
 * A console tracer: every span the program or the SDK opens is printed when it ends, with its
 * duration, outcome and attributes, indented under its parent. A tiny stand-in for an OpenTelemetry
 * exporter (`@effect/opentelemetry`), enough to see what the SDK records for each call.
 */
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/** What was printed, so the program can check that no secret ever reached a span. */
export const printedSpans: string[] = []

const depthOf = (span: Tracer.AnySpan): number =>
  span._tag === "Span" ? Option.match(span.parent, { onNone: () => 0, onSome: (p) => 1 + depthOf(p) }) : 0

const format = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value))

class ConsoleSpan extends Tracer.NativeSpan {
  override end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    const ms = Number(endTime - this.startTime) / 1e6
    super.end(endTime, exit)
    const outcome = Exit.isSuccess(exit) ? "ok" : "failed"
    const attributes = [...this.attributes].map(([key, value]) => `${key}=${format(value)}`).join(" ")
    const line = `${"  ".repeat(depthOf(this))}[span] ${this.name} ${ms.toFixed(1)}ms ${outcome}${attributes ? ` ${attributes}` : ""}`
    printedSpans.push(line)
    console.log(line)
  }
}

/** Provide this layer (next to the client's) to print spans to the console. */
export const ConsoleTracerLive: Layer.Layer<never> = Layer.succeed(
  Tracer.Tracer,
  Tracer.make({ span: (options) => new ConsoleSpan(options) }),
)
