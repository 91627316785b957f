/**
 * The service contracts this adapter implements, from @omophub/core (one import site, so the
 * adapter's own modules stay independent of how the core is packaged).
 *
 * @module
 */
export {
  Env,
  type FileInfo,
  FileSystem,
  FileSystemError,
  type FileSystemShape,
  Keychain,
  KeychainError,
  type KeychainShape,
  RuntimeUnavailable,
} from "@omophub/core"
