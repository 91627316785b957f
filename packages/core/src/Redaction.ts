/**
 * Last-line redaction for text the SDK does not control (server messages, an app's own error
 * messages). Keys are kept out of errors by construction; this catches text that echoes one back.
 *
 * @module
 */

// A server or an app may echo what it was given ("invalid key oh_…", "Bearer …").
const secretPattern = /\b(oh_)[\w-]+|\b(Bearer\s+)\S+/gi

/**
 * `text` with anything that looks like an OMOPHub key or bearer token replaced by a marker, and
 * every occurrence of `secret` (the key in use, which need not look like one) blanked too.
 */
export const redactSecrets = (text: string, secret?: string): string => {
  const patterned = text.replace(
    secretPattern,
    (_, keyPrefix: string | undefined, bearer: string | undefined) =>
      keyPrefix !== undefined ? `${keyPrefix}[redacted]` : `${bearer}[redacted]`,
  )
  return secret === undefined || secret === "" ? patterned : patterned.split(secret).join("[redacted]")
}
