import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Writes files (name → content) into a fresh temporary folder; returns the folder. */
export function writeFiles(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-test-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
