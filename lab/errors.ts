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
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
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
