/**
 * Reading an input file (lab file, node file, saved plan) as text, refusing
 * what no such file can be before a parser sees it: too big, binary, not
 * UTF-8. Each refusal is a `LabInputError` with one line naming the file.
 */
import * as fs from "node:fs";
import { parse as parseJsonc, ParseError, printParseErrorCode } from "jsonc-parser";
import { LabInputError } from "./errors";

/** Upper bounds by kind of file; far above any real one, far below what takes the parser seconds. */
export const MAX_BYTES = {
  /** A lab file is a page or two of YAML. */
  lab: 1024 * 1024,
  /** A node file of 4,000 nodes (the fleet's limit, see README) is about 2 MiB. */
  nodes: 16 * 1024 * 1024,
  /** A saved plan of a 1,000-node lab is a few MiB. */
  plan: 256 * 1024 * 1024,
} as const;

const MIB = 1024 * 1024;

/** The text of `file`, or a LabInputError saying in one line why it is not a text file of this kind. */
export function readInputText(file: string, kind: keyof typeof MAX_BYTES, what: string): string {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_BYTES[kind]) {
      throw new LabInputError(file, [`${file}: is ${(size / MIB).toFixed(1)} MiB; a ${what} is at most ${MAX_BYTES[kind] / MIB} MiB (is this the right file?)`]);
    }
    bytes = fs.readFileSync(file);
  } catch (error) {
    if (error instanceof LabInputError) throw error;
    throw new LabInputError(file, [`${file}: cannot be read: ${(error as Error).message}`]);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new LabInputError(file, [`${file}: is binary (a NUL byte at offset ${nul}), not a ${what}`]);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Where: the line of the first character the lenient decoder had to replace.
    const lenient = new TextDecoder("utf-8").decode(bytes);
    const line = lenient.slice(0, lenient.indexOf("\uFFFD")).split("\n").length;
    throw new LabInputError(file, [`${file}:${line}: is not UTF-8 text; save the ${what} as UTF-8`]);
  }
}

/**
 * `read()`, with input nested deep enough to exhaust the stack (of
 * JSON.parse, the YAML parser, the schema) turned into a one-line
 * LabInputError: such input is not a bug.
 */
export function withDepthGuard<T>(file: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RangeError && /call stack/.test(error.message)) throw new LabInputError(file, [`${file}: nests too deeply to be a ${what}`]);
    throw error;
  }
}

/**
 * The JSON document `text` of `file`, or a LabInputError naming the line
 * and column of the first error and what was expected there, but never the
 * text around it (JSON.parse's message quotes it, and node files hold BMC
 * passwords). jsonc-parser, strict, locates what JSON.parse refused.
 */
export function parseJsonText(file: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) throw new LabInputError(file, [`${file}: is not JSON, and not a ${what}`]);
    const before = text.slice(0, first.offset).split("\n");
    const where = `${file}:${before.length}:${before[before.length - 1].length + 1}`;
    throw new LabInputError(file, [`${where}: is not JSON (${describeJsonError(printParseErrorCode(first.error))}); a ${what} is JSON`]);
  }
}

/** "CommaExpected" → "a comma expected". */
function describeJsonError(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return /expected$/.test(words) ? `${words.replace(/ expected$/, "")} expected here` : `${words} here`;
}
