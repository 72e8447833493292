/**
 * plan-summary on real plans (`tofu show -json`) of a one-node test-bed
 * lab's undercloud stack: a first plan (steps to run, nothing destructive, exit 0),
 * then, after apply, the node deleted by hand (the drift named, the enrolment
 * to run again, nothing destructive), then a destroy plan (the node's
 * unregistering flagged, exit 2).
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
    // The node's registration, and the fleet's enrolment with its two observations.
    expect(result.stdout).toContain("| 4 | 0 | 0 | 0 |");
    expect(result.stdout).toMatch(/Lab steps that will run:\n\n1\. register \+ introspect \+ tag 1 node\(s\): summary00\n$/);
  });

  test("after apply, the node deleted by hand: the drift is named, the enrolment runs again, nothing destructive, exit 0", () => {
    run(["apply", "-auto-approve"]);
    for (const args of [["baremetal", "node", "manage", "summary00", "--wait", "120"], ["baremetal", "node", "delete", "summary00"]]) {
      const done = spawnSync("/usr/bin/openstack", ["--os-cloud", "undercloud", ...args], { encoding: "utf8", env: { ...process.env, ...testbedEnv } });
      if (done.status !== 0) throw new Error(`openstack ${args.join(" ")}: ${done.stderr}`);
    }
    const result = summarize(planJson([]));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Drift observed at refresh (the steps below run again to fix it):\n\n- ironic-nodes: observed `summary00: absent`, the lab wants `registered`\n");
    expect(result.stdout).toMatch(/Lab steps that will run:\n\n1\. register \+ introspect \+ tag 1 node\(s\): summary00 \(no node entry changed: drift, or a registration replaced; nodes already done are only checked\)\n/);
    expect(result.stdout).toContain("| 0 | 1 | 1 | 0 |");
    expect(result.stdout).toContain("Nothing is destroyed or replaced.");
    run(["apply", "-auto-approve"]);
  });

  test("a destroy plan: unregistering summary00 is flagged, exit 3", () => {
    const result = summarize(planJson(["-destroy"]));
    expect(result.status).toBe(3);
    expect(result.stdout).toContain("**Destructive changes — review before applying:**");
    expect(result.stdout).toContain("- **summary-undercloud**: unregister node summary00 from Ironic");
    expect(result.stdout).toContain("| 0 | 0 | 0 | 4 |");
  });
});
