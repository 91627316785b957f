/**
 * Just enough CSV (RFC 4180) for the example: quoted fields with commas, doubled quotes and line
 * breaks, CRLF or LF line ends, a UTF-8 byte-order mark. Values are kept exactly as written.
 */

/** Parses CSV text into rows of fields. A trailing line break does not make an extra empty row. */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = []
  let row: string[] = []
  let field = ""
  let quoted = false
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endField = () => {
    row.push(field)
    field = ""
  }
  const endRow = () => {
    endField()
    rows.push(row)
    row = []
  }
  for (; index < text.length; index++) {
    const char = text[index]
    if (quoted) {
      if (char !== '"') field += char
      else if (text[index + 1] === '"') {
        field += '"'
        index++
      } else quoted = false
    } else if (char === '"') quoted = true
    else if (char === ",") endField()
    else if (char === "\n") endRow()
    else if (char === "\r") {
      if (text[index + 1] === "\n") index++
      endRow()
    } else field += char
  }
  if (quoted) throw new Error("CSV: a quoted field is not closed before the end of the file")
  if (field !== "" || row.length > 0) endRow()
  return rows
}

/** One field, quoted when it holds a comma, a quote, a line break or surrounding spaces. */
const formatField = (value: string | number | undefined): string => {
  const text = value === undefined ? "" : String(value)
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One CSV line (without its line break). */
export const formatCsvRow = (fields: ReadonlyArray<string | number | undefined>): string =>
  fields.map(formatField).join(",")
