import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { writeFiles } from "../helpers/files";

const BIN = path.join(__dirname, "..", "..", "bin", "labcdk.js");
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

describe("labcdk CLI", () => {
  test("nodes validate: exit 0 on the classroom node file, noting the classic driver mapping", () => {
    const result = run("nodes", "validate", "labs/classroom/instackenv-onenode.json");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("valid (1 node(s))");
    expect(result.stdout).toContain('warning: labs/classroom/instackenv-onenode.json: node "compute2": pm_type: classic driver "pxe_ipmitool" is mapped to the hardware type "ipmi"');
  });

  test("nodes validate: non-zero with every problem, never the password", () => {
    const dir = writeFiles({
      "nodes.json": JSON.stringify({
        nodes: [
          { name: "a", pm_type: "ipmi", pm_addr: "10.0.0.1", pm_user: "u", pm_password: "topsecret-1", mac: ["52:54:00:00:00:0g"] },
          { name: "b", pm_type: "ipmi", pm_addr: "10.0.0.2", pm_user: "u", pm_password: "topsecret-2", mac: ["52:54:00:00:00:01"], colour: "red" },
        ],
      }),
    });
    const result = run("nodes", "validate", path.join(dir, "nodes.json"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('node "a": mac.0: is not a MAC address');
    expect(result.stderr).toContain('node "b": colour: is not a known node field');
    expect(result.stderr).not.toContain("topsecret");
  });

  test("nodes validate: a JSON syntax error is located by line and column, and the text around it (a password) is never quoted", () => {
    const dir = writeFiles({ "nodes.json": '{"nodes": [{"name": "a", "pm_type": "ipmi",\n  "pm_password": topsecret-3}]}' });
    const result = run("nodes", "validate", path.join(dir, "nodes.json"));
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`${path.join(dir, "nodes.json")}:2:18: is not JSON (invalid symbol here); a node file is JSON`);
  });

  test("lab validate: the built-in lab by default", () => {
    const result = run("lab", "validate");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/labs\/classroom\/lab\.yaml: valid \(lab "lab", 1 node\(s\), 1 instance\(s\)\)/);
  });
});
