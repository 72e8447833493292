import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The folder holding labcdk's package.json, found from this file whether it
 * runs as TypeScript (ts-node, jest) or compiled (dist/).
 */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`labcdk: no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
