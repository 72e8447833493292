/**
 * Reading an input file (lab file, node file, saved plan) as text, refusing
 * what no such file can be before a parser sees it: too big, binary, not
 * UTF-8. Each refusal is a `LabInputError` with one line naming the file.
 */
import * as fs from "node:fs";
import { findNodeAtLocation, Node as JsonNode, parse as parseJsonc, ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { LabInputError, oneLine } from "./errors";

/** Upper bounds by kind of file; far above any real one, far below what takes the parser seconds. */
export const MAX_BYTES = {
  /** A lab file is a page or two of YAML. */
  lab: 1024 * 1024,
  /** A node file of 4,000 nodes is about 2 MiB. */
  nodes: 16 * 1024 * 1024,
  /** A saved plan of a 1,000-node lab is a few MiB. */
  plan: 256 * 1024 * 1024,
} as const;

const MIB = 1024 * 1024;

/** Why a file could not be opened, as a sentence (from the system's error code; never its raw message). */
export function unreadable(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EISDIR":
      return `is a folder, not a ${what}`;
    case "ENOTDIR":
      return "cannot be opened: a part of its path is a file, not a folder";
    case "EACCES":
    case "EPERM":
      return "cannot be read: permission denied";
    case "ELOOP":
      return "cannot be opened: its symbolic links loop";
    case "ENAMETOOLONG":
      return "cannot be opened: the path is too long";
    default:
      return `cannot be read (${code ?? "error"}: ${oneLine(String((error as Error).message).split("\n")[0])})`;
  }
}

/** Why `file` cannot be read as a file, or undefined when it is a file (it may still fail to be read). */
export function missingFile(file: string, what: string): string | undefined {
  try {
    if (fs.statSync(file).isDirectory()) return `is a folder, not a ${what}`;
    return undefined;
  } catch (error) {
    return unreadable(error, what);
  }
}

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
    throw new LabInputError(file, [`${oneLine(file)}: ${unreadable(error, what)}`]);
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

/**
 * `FILE:LINE:COL` of a key path in the JSON `text` (the deepest part of the
 * path that exists: the key of a property, the start of an array element),
 * or FILE when not even the document parses. The tree is built at the first
 * call: files without problems never pay for it.
 */
export function jsonLocator(file: string, text: string): (keyPath: readonly (string | number)[]) => string {
  let tree: JsonNode | undefined;
  let lineStarts: number[] | undefined;
  return (keyPath) => {
    tree ??= parseTree(text);
    if (!tree) return file;
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
    }
    for (let depth = keyPath.length; depth >= 0; depth--) {
      const found = findNodeAtLocation(tree, keyPath.slice(0, depth) as (string | number)[]);
      if (!found) continue;
      const offset = found.parent?.type === "property" ? found.parent.offset : found.offset;
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (lineStarts[middle] <= offset) low = middle;
        else high = middle - 1;
      }
      return `${file}:${low + 1}:${offset - lineStarts[low] + 1}`;
    }
    return file;
  };
}
