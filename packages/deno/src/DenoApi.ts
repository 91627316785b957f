/**
 * The part of the `Deno` namespace this adapter uses, typed locally so the package type-checks with
 * plain `tsc` too. Looked up on each call, never at module load.
 *
 * @module
 */

export type PermissionDescriptor =
  | { readonly name: "env"; readonly variable: string }
  | { readonly name: "read" | "write"; readonly path: string }
  | { readonly name: "run"; readonly command: string }

export interface DenoFile {
  write(bytes: Uint8Array): Promise<number>
  sync(): Promise<void>
  close(): void
}

export interface DenoChildProcess {
  readonly stdin: WritableStream<Uint8Array>
  output(): Promise<{ readonly code: number; readonly stdout: Uint8Array; readonly stderr: Uint8Array }>
  kill(signal?: string): void
}

export interface DenoCommandOptions {
  readonly args: ReadonlyArray<string>
  readonly stdin: "piped" | "null"
  readonly stdout: "piped"
  readonly stderr: "piped"
}

type ErrorClass = abstract new (...args: never[]) => Error

export interface DenoApi {
  readonly env: { get(name: string): string | undefined }
  readonly permissions: { querySync(descriptor: PermissionDescriptor): { readonly state: string } }
  readonly build: { readonly os: string }
  readonly errors: {
    readonly NotFound: ErrorClass
    readonly NotCapable: ErrorClass
    readonly AlreadyExists: ErrorClass
  }
  readTextFile(path: string): Promise<string>
  stat(path: string): Promise<{ readonly mode: number | null }>
  mkdir(path: string, options?: { readonly mode?: number }): Promise<void>
  chmod(path: string, mode: number): Promise<void>
  open(
    path: string,
    options: {
      readonly read?: boolean
      readonly write?: boolean
      readonly createNew?: boolean
      readonly mode?: number
    },
  ): Promise<DenoFile>
  rename(from: string, to: string): Promise<void>
  remove(path: string): Promise<void>
  readonly Command: new (command: string, options: DenoCommandOptions) => { spawn(): DenoChildProcess }
}

export const deno = (): DenoApi => (globalThis as unknown as { readonly Deno: DenoApi }).Deno

/** Whether Deno already grants the permission. Never prompts: "prompt" counts as not granted. */
export const isGranted = (descriptor: PermissionDescriptor): boolean => {
  try {
    return deno().permissions.querySync(descriptor).state === "granted"
  } catch {
    return false
  }
}

/** A Deno permission failure (the process was not started with the needed `--allow-*` flag). */
export const isPermissionError = (cause: unknown): boolean => {
  const errors = deno().errors
  return cause instanceof errors.NotCapable || (cause instanceof Error && cause.name === "NotCapable")
}
