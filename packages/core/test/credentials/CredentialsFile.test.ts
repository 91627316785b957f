import { describe, expect, it } from "@effect/vitest"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { parseCredentialsFile } from "../../src/credentials/CredentialsFile.ts"
import { expectNoPieceOf, renderings, secret } from "./support.ts"

/** profile -> setting -> value, for comparing parsed files. */
const plain = (text: string) => {
  const parsed = parseCredentialsFile(text)
  if (Result.isFailure(parsed)) throw new Error(`line ${parsed.failure.line}: ${parsed.failure.reason}`)
  return Object.fromEntries(
    [...parsed.success].map(([profile, section]) => [
      profile,
      Object.fromEntries([...section.entries].map(([name, entry]) => [name, Redacted.value(entry.value)])),
    ]),
  )
}

const syntaxError = (text: string) => {
  const parsed = parseCredentialsFile(text)
  if (Result.isSuccess(parsed)) throw new Error("expected a syntax error")
  return parsed.failure
}

describe("parseCredentialsFile", () => {
  it.each([
    ["minimal", "[default]\napi_key=abc\n", { default: { api_key: "abc" } }],
    ["no trailing newline", "[default]\napi_key = abc", { default: { api_key: "abc" } }],
    ["BOM (Windows Notepad)", "\uFEFF[default]\r\napi_key = abc\r\n", { default: { api_key: "abc" } }],
    [
      "CRLF line endings",
      "[default]\r\napi_key = abc\r\n\r\n[staging]\r\napi_key = def\r\n",
      {
        default: { api_key: "abc" },
        staging: { api_key: "def" },
      },
    ],
    ["old Mac CR line endings", "[default]\rapi_key = abc\r", { default: { api_key: "abc" } }],
    [
      "comments, blank lines and indentation",
      "# OMOPHub credentials\n; written by hand\n\n  [default]  \n\t api_key\t=\tabc \n\n   # trailing\n",
      { default: { api_key: "abc" } },
    ],
    [
      "trailing comments after whitespace",
      "[default] # main\napi_key = abc # prod key\nregion = eu ;note\n",
      {
        default: { api_key: "abc", region: "eu" },
      },
    ],
    [
      "# and ; inside a value without whitespace before them stay",
      "[default]\napi_key = ab#cd;ef\n",
      {
        default: { api_key: "ab#cd;ef" },
      },
    ],
    [
      "double-quoted value",
      '[default]\napi_key = "abc def"  # quoted\n',
      { default: { api_key: "abc def" } },
    ],
    [
      "single-quoted value keeps # inside",
      "[default]\napi_key='ab #cd'\n",
      { default: { api_key: "ab #cd" } },
    ],
    ["= inside the value", "[default]\napi_key = abc==\n", { default: { api_key: "abc==" } }],
    ["empty value", "[default]\napi_key =\n", { default: { api_key: "" } }],
    ["[ name ] spacing", "[ staging ]\napi_key = abc\n", { staging: { api_key: "abc" } }],
    [
      "AWS-style [profile name]",
      "[profile staging]\napi_key = abc\n[ profile  prod ]\napi_key = def\n",
      {
        staging: { api_key: "abc" },
        prod: { api_key: "def" },
      },
    ],
    [
      "setting names are case-insensitive",
      "[default]\nAPI_KEY = abc\nOMOPHUB_API_KEY = def\n",
      {
        default: { api_key: "abc", omophub_api_key: "def" },
      },
    ],
    [
      "settings before any section belong to default",
      "omophub_api_key = abc\n[staging]\napi_key = def\n",
      {
        default: { omophub_api_key: "abc" },
        staging: { api_key: "def" },
      },
    ],
    [
      "repeated section and key: the last value wins",
      "[default]\napi_key = a\n[x]\n[default]\napi_key = b\n",
      {
        default: { api_key: "b" },
        x: {},
      },
    ],
    ["empty file", "", {}],
    ["only comments", "# nothing here\n", {}],
  ])("parses %s", (_, text, expected) => {
    expect(plain(text)).toEqual(expected)
  })

  it.each([
    ["a bare line (a pasted key)", `[default]\n${secret}\n`, 2],
    ["an unclosed section", "[default\napi_key = x\n", 1],
    ["an empty section name", "[ ]\n", 1],
    ["text after a section", "[default] extra\n", 1],
    ["a missing setting name", `[default]\n = ${secret}\n`, 2],
    ["an unclosed quote", `\n[default]\napi_key = "${secret}\n`, 3],
    ["text after a quoted value", `[default]\napi_key = "${secret}" ${secret}\n`, 2],
  ])("reports %s by line number, without quoting the line", (_, text, line) => {
    const error = syntaxError(text)
    expect(error.line).toBe(line)
    expectNoPieceOf(secret, renderings(error))
  })

  it("records where each profile and setting is", () => {
    const parsed = parseCredentialsFile("# c\n[default]\n\napi_key = x\n")
    if (Result.isFailure(parsed)) throw new Error("unexpected")
    const section = parsed.success.get("default")!
    expect(section.line).toBe(2)
    expect(section.entries.get("api_key")!.line).toBe(4)
  })
})
