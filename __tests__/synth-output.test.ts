import * as fs from "node:fs";
import * as path from "node:path";
import { CLASSROOM_DEV_LAB, CLASSROOM_LAB, synthLabToDisk, TESTBED_LAB, CREATED_LAB } from "./helpers/synth";
import { describeWithTofu, tofu } from "./helpers/tofu";

/** Every file under a folder, as relative path → content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
  }
  return files;
}

describe("synthesized output", () => {
  const first = synthLabToDisk(CLASSROOM_LAB);
  const files = tree(first);

  test("holds both stacks of the classroom lab, the undercloud one with its scripts", () => {
    expect(Object.keys(files).filter((f) => f.endsWith("cdk.tf.json")).sort()).toEqual([
      "stacks/lab-overcloud/cdk.tf.json",
      "stacks/lab-undercloud/cdk.tf.json",
    ]);
    const scripts = Object.keys(files).filter((f) => f.startsWith("stacks/lab-undercloud/assets/Scripts/"));
    expect(scripts.map((f) => path.basename(f)).sort()).toEqual(
      fs.readdirSync(path.join(__dirname, "..", "scripts"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort(),
    );
  });

  test("two synths are byte-identical", () => {
    expect(tree(synthLabToDisk(CLASSROOM_LAB))).toEqual(files);
  });

  test("no BMC password and no absolute path of this machine in any stack", () => {
    for (const [name, content] of Object.entries(files)) {
      if (!name.endsWith(".json")) continue;
      expect(content).not.toMatch(/"[a-z_]*password"\s*:/i);
      expect(content).not.toContain(path.resolve(__dirname, ".."));
    }
  });

  test("the lab_ and dev_ variants synthesize side by side under distinct stack names", () => {
    const dev = tree(synthLabToDisk(CLASSROOM_DEV_LAB));
    expect(Object.keys(dev).filter((f) => f.endsWith("cdk.tf.json")).sort()).toEqual(["stacks/dev-overcloud/cdk.tf.json", "stacks/dev-undercloud/cdk.tf.json"]);
  });
});

describeWithTofu("every synthesized stack is valid for OpenTofu with the real OpenStack provider", () => {
  for (const [labName, labFile] of [["lab", CLASSROOM_LAB], ["dev", CLASSROOM_DEV_LAB], ["testbed", TESTBED_LAB], ["created", CREATED_LAB]]) {
    const out = synthLabToDisk(labFile);
    for (const stack of [`${labName}-undercloud`, `${labName}-overcloud`]) {
      test(`${stack}: tofu validate`, () => {
        const dir = path.join(out, "stacks", stack);
        tofu(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
        const result = tofu(dir, ["validate", "-json", "-no-color"]);
        const report = JSON.parse(result.stdout);
        expect(report.diagnostics).toEqual([]);
        expect(report.valid).toBe(true);
      });
    }
  }
});
