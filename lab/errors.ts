/**
 * An input file (lab file or node file) has problems. Every problem is
 * collected first, so a user fixes the whole file in one go.
 */
export class LabInputError extends Error {
  constructor(
    /** The file the problems are in. */
    public readonly file: string,
    /** One line per problem: `FILE[:LINE:COL]: WHERE: WHAT (got VALUE)`. */
    public readonly problems: readonly string[],
  ) {
    // One problem: its line alone (it names the file). Several: a count, then a line each.
    super(problems.length === 1 ? problems[0] : `${file}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "LabInputError";
  }
}

/**
 * Characters that could split, forge or hide part of an output line: C0 and
 * C1 controls (newlines, ANSI escapes), the Unicode line and paragraph
 * separators, and the bidirectional controls that reorder what a terminal shows.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character as a \uXXXX escape, so it stays on one line and shows what it holds. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A value as shown in an error message: short, one line, and JSON so that strings show their quotes. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return "nothing";
  const safe = oneLine(text);
  return safe.length > 80 ? `${safe.slice(0, 77)}...` : safe;
}

/** A key path as shown in a message: `a.b.0.c`, with any key that is not a plain name quoted and escaped (shown). */
export function keyPathText(keyPath: readonly PropertyKey[]): string {
  return keyPath.map((key) => (typeof key === "number" || /^[A-Za-z0-9_.-]{1,80}$/.test(String(key)) ? String(key) : shown(String(key)))).join(".");
}

/** The value at a key path inside parsed JSON/YAML, or undefined. */
export function valueAt(root: unknown, keyPath: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of keyPath) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The one line an unexpected error gets (its stack only with LABCDK_DEBUG=1). */
export function internalError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (env.LABCDK_DEBUG) return `labcdk: internal error: ${error instanceof Error ? error.stack : message}`;
  return `labcdk: internal error: ${message.split("\n")[0]} (a bug in labcdk, not in your files; set LABCDK_DEBUG=1 to see where)`;
}

/**
 * The one line for what is wrong with the machine rather than with labcdk or
 * the lab: cdktf could not run the Terraform binary whose version it checks
 * for import blocks (a lab with `adopt:`). Undefined for anything else.
 */
export function environmentProblem(error: unknown, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const binary = /Could not determine version of (\S+?),? /.exec(message)?.[1];
  if (binary === undefined) return undefined;
  return (
    `labcdk: this lab adopts existing resources (adopt:), and cdktf checks at synth that Terraform >= 1.5 runs them, but ${oneLine(binary)} could not be run` +
    `${env.TERRAFORM_BINARY_NAME ? " (TERRAFORM_BINARY_NAME)" : ""}: build the project's OpenTofu (tools/build-toolchain.sh, which npm test runs) or set TERRAFORM_BINARY_NAME to a Terraform or OpenTofu >= 1.5`
  );
}
