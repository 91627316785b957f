/**
 * Last-line redaction for text the SDK does not control (server messages, an app's own error
 * messages). Keys are kept out of errors by construction; this catches text that echoes one back.
 *
 * @module
 */

// A server or an app may echo what it was given ("invalid key oh_…", "Bearer …").
const secretPattern = /\b(oh_)[\w-]+|\b(Bearer\s+)\S+/gi

/** `text` with anything that looks like an OMOPHub key or bearer token replaced by a marker. */
export const redactSecrets = (text: string): string =>
  text.replace(secretPattern, (_, keyPrefix: string | undefined, bearer: string | undefined) =>
    keyPrefix !== undefined ? `${keyPrefix}[redacted]` : `${bearer}[redacted]`,
  )
