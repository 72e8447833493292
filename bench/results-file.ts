import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../lab/project-root";

/** Replaces one benchmark's section of bench/RESULTS.md, keeping the others. */
export function writeResultsSection(name: string, lines: string[]): void {
  const file = path.join(projectRoot(), "bench", "RESULTS.md");
  const begin = `<!-- ${name}: begin -->`;
  const end = `<!-- ${name}: end -->`;
  const section = [begin, ...lines, end].join("\n");
  let text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmark results\n";
  const pattern = new RegExp(`${begin}[\\s\\S]*?${end}`);
  text = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, text);
}
