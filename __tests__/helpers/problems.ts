/**
 * The problems a lab or node-file loader reports. The loaders report every
 * problem of a file at once, as one LabInputError; the tests assert on its
 * `problems`.
 */
import { LabInputError } from "../../lab";

/** The problems `load(file)` reports (LabInputError.problems); [] when the file loads. Any other error is thrown on. */
export function problemsOf(load: (file: string) => unknown, file: string): readonly string[] {
  try {
    load(file);
  } catch (error) {
    if (error instanceof LabInputError) return error.problems;
    throw error;
  }
  return [];
}

/** As problemsOf, for a file that must be refused: throws when it loads without problems. */
export function problemsOfRefused(load: (file: string) => unknown, file: string): readonly string[] {
  const problems = problemsOf(load, file);
  if (problems.length === 0) throw new Error(`${file} loaded without problems`);
  return problems;
}
