/**
 * scripts/lib/common.sh: the time bound of single `openstack` calls, and the
 * rules every step script keeps (no Python program inside a bash string; no
 * `openstack` call without a time bound).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const SCRIPTS = path.join(projectRoot(), "scripts");
const COMMON = path.join(SCRIPTS, "lib", "common.sh");

/** A folder holding a stand-in `openstack` that prints its arguments, then sleeps SLEEP seconds. */
function fakeOpenstack(): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-fake-openstack-"));
  fs.writeFileSync(path.join(bin, "openstack"), '#!/bin/sh\necho "args: $*"\nsleep "${SLEEP:-0}"\n', { mode: 0o755 });
  return bin;
}

function bash(script: string, env: Record<string, string>) {
  return spawnSync("bash", ["-c", `set -euo pipefail; . "${COMMON}"; ${script}`], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 30000 });
}

describe("scripts/lib/common.sh openstack_cli", () => {
  const bin = fakeOpenstack();
  const PATH = `${bin}:${process.env.PATH}`;

  test("GIVEN a call that answers in time WHEN run through openstack_cli THEN its output and status are the client's", () => {
    const result = bash("openstack_cli stack show overcloud -f value -c stack_status", { PATH });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("args: stack show overcloud -f value -c stack_status\n");
  });

  test("GIVEN a call that hangs WHEN its bound passes THEN it is stopped with exit 124", () => {
    const started = Date.now();
    const result = bash('status=0; openstack_cli server list || status=$?; echo "exit $status"', { PATH, SLEEP: "20", LABCDK_OPENSTACK_CALL_SECONDS: "1" });
    expect(result.stdout).toBe("args: server list\nexit 124\n");
    expect(Date.now() - started).toBeLessThan(10000);
  });
});

/** The step scripts and their bash libraries, as [relative path, text]. */
function bashFiles(): [string, string][] {
  return [...fs.readdirSync(SCRIPTS).map((f) => f), ...fs.readdirSync(path.join(SCRIPTS, "lib")).map((f) => `lib/${f}`)]
    .filter((f) => f.endsWith(".sh"))
    .map((f) => [f, fs.readFileSync(path.join(SCRIPTS, f), "utf8")]);
}

describe("the step scripts' bash", () => {
  test("holds no Python program inside a string (Python lives in scripts/lib/*.py, with unit tests)", () => {
    const found = bashFiles().flatMap(([file, text]) => text.split("\n").flatMap((line, i) => (/python3?\S*"? +-c\b/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
    expect(found).toEqual([]);
  });

  test("runs `openstack` only through openstack_cli (60 s) or run_bounded (the step's limit)", () => {
    // A command position: line start, after $( | && || ; or a function body's {.
    const unbounded = /(^|\$\(|\||&&|;|\{)\s*openstack\s/;
    const found = bashFiles().flatMap(([file, text]) =>
      text.split("\n").flatMap((line, i) => (!line.trim().startsWith("#") && unbounded.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
    expect(bashFiles().find(([file]) => file === "lib/common.sh")![1]).toMatch(/openstack_cli\(\) \{\n\s+timeout --kill-after=10 "\$\{LABCDK_OPENSTACK_CALL_SECONDS:-60\}" openstack "\$@"/);
  });
});
