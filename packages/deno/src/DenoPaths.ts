/**
 * The three path operations the file system needs, without `node:path` (whose types Deno would
 * have to fetch) or a JSR dependency. Backslash separates folders only on Windows.
 *
 * @module
 */

const lastSeparator = (path: string, windows: boolean) =>
  Math.max(path.lastIndexOf("/"), windows ? path.lastIndexOf("\\") : -1)

/** The folder holding `path`; a root ("/", "C:\") is its own folder. */
export const folderOf = (path: string, windows: boolean): string => {
  const index = lastSeparator(path, windows)
  if (index < 0) return "."
  const head = path.slice(0, index)
  return head === "" || (windows && /^[A-Za-z]:$/.test(head)) ? path.slice(0, index + 1) : head
}

export const nameOf = (path: string, windows: boolean): string => path.slice(lastSeparator(path, windows) + 1)

export const inFolder = (folder: string, name: string, windows: boolean): string =>
  folder.endsWith("/") || (windows && folder.endsWith("\\"))
    ? folder + name
    : `${folder}${windows ? "\\" : "/"}${name}`
