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

/** A value as shown in an error message: short, and JSON so that strings show their quotes. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return "nothing";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
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
