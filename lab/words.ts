/**
 * labcdk's words for what the schema library found: a problem says what the
 * field must be and what to do, never zod's own wording ("Invalid input:
 * expected number, received string"). A mistyped name or choice gets the
 * nearest known one ("did you mean ...?", fastest-levenshtein).
 *
 * Used as zod's per-parse error map (`{ error: zodIssueWords }`), so messages
 * the schemas set themselves (regex explanations) stay as written.
 */
import { closest, distance } from "fastest-levenshtein";
import type * as z from "zod";
import { shown } from "./errors";

/** The nearest of `candidates` to `word` when it is near enough to be a slip of the keyboard. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = word.toLowerCase();
  const sameButCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameButCase !== undefined) return sameButCase;
  const best = closest(lower, candidates.map((c) => c.toLowerCase()));
  const index = candidates.findIndex((c) => c.toLowerCase() === best);
  // About one slip per three letters, and at least two: "deployTimeoutMinute", "adress", "pm_adr".
  return distance(lower, best) <= Math.max(2, Math.floor(word.length / 3)) ? candidates[index] : undefined;
}

/** ` did you mean "x"?` for a near candidate, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = nearest(word, candidates);
  return near === undefined ? "" : `; did you mean ${shown(near)}?`;
}

/** What a value of zod's expected type is called in a YAML or JSON file. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping (key: value)",
  array: "a list",
  record: "a mapping (name: settings)",
  literal: "a fixed value",
};

/** The type of a value as a lab or node file shows it. */
function kindOf(value: unknown): string {
  if (value === null) return "empty (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "text";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a number";
  if (typeof value === "boolean") return "true/false";
  return typeof value;
}

/** The sentence for a wrong type: what it must be, and the likely fix for the common YAML slips. */
function typeWords(expected: string, input: unknown): string {
  const want = TYPE_WORDS[expected] ?? expected;
  if (input === undefined) return `is missing; add it (${want})`;
  if ((expected === "number" || expected === "int") && typeof input === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(input)) {
    return `must be ${want}, not text: remove the quotes`;
  }
  if (expected === "int" && typeof input === "number") return `must be ${want} (no fraction)`;
  if (expected === "boolean" && typeof input === "string" && /^(true|false|yes|no)$/i.test(input)) return "must be true or false, not text: remove the quotes";
  if (expected === "string" && (typeof input === "number" || typeof input === "boolean")) return `must be text: put it in quotes`;
  return `must be ${want}, not ${kindOf(input)}`;
}

/** The bound of a too_small/too_big issue in words. */
function boundWords(issue: { origin?: string; inclusive?: boolean }, bound: number | bigint, small: boolean): string {
  const n = Number(bound);
  switch (issue.origin) {
    case "string":
      if (small && n === 1) return "must not be empty";
      return small ? `must be at least ${n} characters long` : `must be at most ${n} characters long`;
    case "array":
    case "set":
      if (small && n === 1) return "must list at least one item";
      return small ? `must list at least ${n} items` : `must list at most ${n} items`;
    default:
      if (small && n === 0 && !issue.inclusive) return "must be more than 0";
      if (small) return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
      return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
  }
}

/** A raw zod issue in labcdk's words (the value itself is added by the caller, escaped). */
export function zodIssueWords(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return typeWords(String(issue.expected), issue.input);
    case "too_small":
      return boundWords(issue, issue.minimum, true);
    case "too_big":
      return boundWords(issue, issue.maximum, false);
    case "invalid_value": {
      const values = issue.values.map((v) => String(v));
      const choices = values.length === 1 ? shown(issue.values[0]) : `one of ${values.join(", ")}`;
      return `must be ${choices}`;
    }
    case "invalid_format":
      if (issue.format === "url") return "must be a URL such as https://host:port/path";
      return `does not have the expected form (${issue.format})`;
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (issue.discriminator && options) {
        const values = options.map((v) => String(v));
        const got = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        if (got === undefined) return `is required: one of ${values.join(", ")}`;
        return `must be one of ${values.join(", ")}`;
      }
      return "matches none of the forms this field can take";
    }
    case "invalid_key":
      return issue.issues[0]?.message ?? "is not a valid name";
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return "is not a known field";
    default:
      return "is not valid here";
  }
}

/** `; did you mean "x"?` for a mistyped choice (an enum's, a discriminator's), to follow the value quoted back; else "". */
export function choiceSuggestion(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === "invalid_value" && typeof value === "string") return didYouMean(value, issue.values.map((v) => String(v)));
  const options = (issue as { options?: unknown[] }).options;
  if (issue.code === "invalid_union" && issue.discriminator && options) {
    const got = (value as Record<string, unknown> | undefined)?.[issue.discriminator];
    if (typeof got === "string") return didYouMean(got, options.map((v) => String(v)));
  }
  return "";
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The object schema at `keyPath` of `schema` for the input `raw` (defaults, optionals and pipes looked through); undefined when there is none. */
function objectAt(schema: z.ZodType, keyPath: readonly PropertyKey[], raw: unknown): Record<string, z.ZodType> | undefined {
  let current: z.ZodType | undefined = schema;
  let value = raw;
  for (let depth = 0; current !== undefined; ) {
    const def = defOf(current);
    if (["default", "prefault", "optional", "nullable", "readonly", "catch"].includes(def.type)) {
      current = def.innerType;
      continue;
    }
    if (def.type === "pipe") {
      current = def.in;
      continue;
    }
    if (def.type === "union" && def.discriminator) {
      const wanted = (value as Record<string, unknown> | undefined)?.[def.discriminator];
      current = def.options?.find((option) => {
        const field = defOf(option).shape?.[def.discriminator!];
        return field !== undefined && field.safeParse(wanted).success;
      });
      continue;
    }
    if (depth === keyPath.length) return def.type === "object" ? def.shape : undefined;
    const key = keyPath[depth++];
    value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    if (def.type === "object") current = def.shape?.[String(key)];
    else if (def.type === "record") current = def.valueType;
    else if (def.type === "array") current = def.element;
    else return undefined;
  }
  return undefined;
}

/** The field names the object at `keyPath` knows (for did-you-mean on an unknown field). */
export function knownFields(schema: z.ZodType, keyPath: readonly PropertyKey[], raw: unknown): string[] {
  return Object.keys(objectAt(schema, keyPath, raw) ?? {});
}
