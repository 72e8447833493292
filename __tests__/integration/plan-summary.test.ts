/**
 * plan-summary on real plans (`tofu show -json`) of a one-node test-bed
 * lab's undercloud stack: a first plan (steps to run, nothing destructive, exit 0),
 * then, after apply, a destroy plan (the node's unregistering flagged, exit 2).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFleetLab } from "../../bench/generate-lab";
import { describeWithTestbed, stackOnTestbed, testbedEnv } from "../helpers/testbed";
import { tofu } from "../helpers/tofu";

const BIN = path.join(__dirname, "..", "..", "bin", "labcdk.js");

describeWithTestbed("plan-summary on real plans from the test bed", () => {
  // Its own node, so that it never races the undercloud test for compute2.
  const { dir, run } = stackOnTestbed(writeFleetLab(1, "summary", "summary", 0x20), "summary-undercloud");
  const planJson = (extra: string[]) => {
    run(["plan", "-out=plan.out", ...extra]);
    const json = tofu(dir, ["show", "-json", "plan.out"], testbedEnv).stdout;
    fs.writeFileSync(path.join(dir, "plan.json"), json);
    return path.join(dir, "plan.json");
  };
  const summarize = (file: string) => spawnSync(process.execPath, [BIN, "plan-summary", file], { encoding: "utf8" });

  test("first plan: the node's steps, nothing destructive, exit 0", () => {
    const result = summarize(planJson([]));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("### summary-undercloud");
    expect(result.stdout).toContain("Nothing is destroyed or replaced.");
    expect(result.stdout).toContain("| 2 | 0 | 0 | 0 |");
    expect(result.stdout).toContain("register + introspect node summary00 (fake-hardware)");
    expect(result.stdout).toContain("tag node summary00 with profile:compute,boot_option:local");
  });

  test("after apply, a destroy plan: unregistering summary00 is flagged, exit 2", () => {
    run(["apply", "-auto-approve"]);
    const result = summarize(planJson(["-destroy"]));
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("**Destructive changes — review before applying:**");
    expect(result.stdout).toContain("- **summary-undercloud**: unregister node summary00 from Ironic");
    expect(result.stdout).toContain("| 0 | 0 | 0 | 2 |");
  });
});
