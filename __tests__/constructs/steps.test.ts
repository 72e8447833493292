/**
 * The step declarations (constructs/steps.ts) against what they declare:
 * each script's `--help` lists exactly the inputs its step gives it, and a
 * step's kind and identity do not depend on its script's file name.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { ScriptStep } from "../../constructs/script-step";
import { isIdentityInput, STEP_KINDS, StepDeclaration } from "../../constructs/steps";
import { projectRoot } from "../../lab/project-root";

/** The variables of a script's `--help` "Environment" section, `X_<NAME>` as `X_*`, each with its line. */
function helpVariables(script: string): Map<string, string> {
  const result = spawnSync("bash", [path.join(projectRoot(), "scripts", script), "--help"], { encoding: "utf8" });
  expect(result.status).toBe(0);
  const lines = result.stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith("Environment"));
  expect(start).toBeGreaterThan(0);
  const variables = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    if (line !== "" && !line.startsWith(" ")) break;
    const names = /^ {2}([A-Z][A-Z0-9_]*(?:<[A-Z]+>)?(?:, [A-Z][A-Z0-9_]*(?:<[A-Z]+>)?)*)(?:\s|$)/.exec(line)?.[1];
    for (const name of names?.split(", ") ?? []) variables.set(name.replace(/<[A-Z]+>$/, "*"), line);
  }
  return variables;
}

const declarations = [...STEP_KINDS.values()];

describe.each(declarations.map((step) => [step.kind, step] as const))("step %s", (_kind, step) => {
  const scripts = [step.script, step.destroyScript].filter((s): s is string => s !== undefined);
  const declared = [...step.inputs, ...(step.optionalInputs ?? [])];
  const unread = new Set<string>(step.unreadInputs ?? []);

  test.each(scripts)("GIVEN %s --help WHEN compared with the declaration THEN it lists every input the script reads, and none it does not", (script) => {
    const listed = helpVariables(script);
    expect(declared.filter((name) => !unread.has(name) && !listed.has(name))).toEqual([]);
    expect([...unread].filter((name) => listed.has(name))).toEqual([]);
    // What the step does not give, the script must not need: it has a default.
    expect([...listed].filter(([name, line]) => !declared.includes(name) && !/\(default /.test(line)).map(([name]) => name)).toEqual([]);
  });
});

describe("step declarations", () => {
  test("GIVEN every declaration THEN kinds are unique and each has a script to run", () => {
    expect(new Set(declarations.map((s) => s.kind)).size).toBe(declarations.length);
    expect(declarations.filter((s) => !s.script && !s.destroyScript).map((s) => s.kind)).toEqual([]);
  });

  test("GIVEN an identity with a family WHEN inputs are matched THEN the family covers its members only", () => {
    const identity = ["OS_CLOUD", "LABCDK_NODE_*"] as const;
    expect(["OS_CLOUD", "LABCDK_NODE_COMPUTE2", "NODE_FILE", "OS_CLOUD_X"].filter((name) => isIdentityInput(identity, name))).toEqual(["OS_CLOUD", "LABCDK_NODE_COMPUTE2"]);
  });

  test("GIVEN a step whose script file is renamed WHEN synthesized THEN its address, kind, input and identity stay; only the command changes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-rename-"));
    for (const name of ["observe-step.sh", "old-name.sh", "new-name.sh"]) fs.writeFileSync(path.join(dir, name), "#!/usr/bin/env bash\n");
    const synth = (script: string) => {
      const step: StepDeclaration<"OS_CLOUD" | "TIMEOUT_SECONDS"> = { kind: "renamed", script, inputs: ["OS_CLOUD", "TIMEOUT_SECONDS"], identity: ["OS_CLOUD"] };
      const stack = new TerraformStack(Testing.app(), "s");
      new ScriptStep(stack, "Step", { step, scriptsDir: dir, inputs: { OS_CLOUD: "c", TIMEOUT_SECONDS: "9" } });
      const resources = JSON.parse(Testing.synth(stack)).resource.terraform_data;
      expect(Object.keys(resources)).toHaveLength(1);
      const [[address, resource]] = Object.entries(resources) as [string, { input: object; triggers_replace: object; provisioner: { "local-exec": { command: string } }[] }][];
      return { address, input: resource.input, identity: resource.triggers_replace, command: resource.provisioner[0]["local-exec"].command };
    };
    const before = synth("old-name.sh");
    const after = synth("new-name.sh");
    expect(after.address).toBe(before.address);
    expect(after.input).toEqual({ LABCDK_STEP: "renamed", OS_CLOUD: "c", TIMEOUT_SECONDS: "9" });
    expect(after.input).toEqual(before.input);
    expect(after.identity).toEqual({ OS_CLOUD: "c" });
    expect(after.identity).toEqual(before.identity);
    expect(before.command).toMatch(/old-name\.sh"$/);
    expect(after.command).toMatch(/new-name\.sh"$/);
  });
});
