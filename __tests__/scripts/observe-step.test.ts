/**
 * scripts/observe-step.sh, the observer the labcdk provider runs at refresh:
 * its contract (one line on stdout; exit 1 bad input, 2 cannot observe) and
 * each check's words against the test bed, for the cases the drift test
 * (integration/drift.test.ts) does not reach: absent things and hosts.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { OBSERVATION_CHECKS } from "../../constructs/step-observation";
import { nodeVariableSuffix } from "../../lab/ironic-fields";
import { projectRoot } from "../../lab/project-root";
import { describeWithTestbed, openstackAction, testbedEnv } from "../helpers/testbed";

const OBSERVER = path.join(projectRoot(), "scripts", "observe-step.sh");

function observe(check: string, env: Record<string, string>) {
  return spawnSync("bash", [OBSERVER, check], { encoding: "utf8", timeout: 60000, env: { ...process.env, ...testbedEnv, ...env } });
}

/** The checks of every labcdk_observation in a synthesized stack folder's cdk.tf.json. */
function checksOf(stackJson: string): string[] {
  const json = JSON.parse(fs.readFileSync(stackJson, "utf8"));
  return Object.values<{ check: string }>(json.resource?.labcdk_observation ?? {}).map((r) => r.check);
}

describe("scripts/observe-step.sh without a cloud", () => {
  test("--help names every check and its inputs", () => {
    const result = spawnSync("bash", [OBSERVER, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    for (const word of ["ironic-nodes ", "ironic-nodes-capabilities", "NODE_NAMES", "NODE_CAPABILITIES_<NAME>", "nova-instance-host", "compute-hosts", "TARGET_HOST", "COMPUTE_HOSTS"]) {
      expect(result.stdout).toContain(word);
    }
  });

  test("an unknown check or a missing input: exit 1, nothing on stdout", () => {
    const unknown = observe("ironic-nodez", { OS_CLOUD: "undercloud" });
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain(`usage: observe-step.sh ${OBSERVATION_CHECKS.join(" | ")}`);
    const missing = observe("nova-instance-host", { OS_CLOUD: "undercloud", INSTANCE_ID: "00000000-0000-0000-0000-000000000000" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("missing environment variable(s): TARGET_HOST");
  });

  test("a cloud that is not in clouds.yaml: exit 2 naming it", () => {
    const result = observe("ironic-nodes", { OS_CLOUD: "no-such-cloud", NODE_NAMES: "compute2" });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("the cloud 'no-such-cloud' is not configured (clouds.yaml: ");
  });

  // Upgraded states: the observations labcdk 0.1 wrote are refreshed by today's observer
  // before anything else runs, so each of their checks must still be one it knows.
  test("GIVEN the stack labcdk 0.1 synthesized WHEN its observations' checks are run THEN the observer knows each (it stops only for the missing cloud)", () => {
    const checks = checksOf(path.join(projectRoot(), "__tests__", "fixtures", "upgrade-0.1", "upgrade-undercloud", "cdk.tf.json"));
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) {
      expect(OBSERVATION_CHECKS).toContain(check);
      const result = observe(check, { OS_CLOUD: "" });
      expect({ check, status: result.status, stderr: result.stderr.replace(/^\S+ /, "") }).toEqual({
        check,
        status: 1,
        stderr: "[observe-step] error: missing environment variable(s): OS_CLOUD (set by the stack's labcdk_observation inputs)\n",
      });
    }
  });
});

describeWithTestbed("scripts/observe-step.sh on the test bed", () => {
  test("an absent server (left to the OpenStack provider) prints the wanted host", () => {
    const server = observe("nova-instance-host", { OS_CLOUD: "overcloud", INSTANCE_ID: "00000000-0000-0000-0000-000000000000", TARGET_HOST: "compute-1" });
    expect([server.status, server.stdout]).toEqual([0, "host=compute-1\n"]);
  });

  test("fleet checks: one line naming only the nodes that differ, in the lab's order; absent nodes count as tagged", () => {
    const name = `observe-step-${randomUUID().slice(0, 8)}`;
    const absent = `${name}-absent`;
    openstackAction("undercloud", ["baremetal", "node", "create", "--driver", "fake-hardware", "--name", name, "--property", "capabilities=profile:control,boot_mode:uefi"]);
    try {
      const names = `${absent},${name}`;
      const registered = observe("ironic-nodes", { OS_CLOUD: "undercloud", NODE_NAMES: names });
      expect([registered.status, registered.stdout]).toEqual([0, `${absent}: absent; ${name}: provision_state=enroll\n`]);
      const variable = (n: string) => `NODE_CAPABILITIES_${nodeVariableSuffix(n)}`;
      const differs = observe("ironic-nodes-capabilities", { OS_CLOUD: "undercloud", NODE_NAMES: names, [variable(absent)]: "profile:compute", [variable(name)]: "profile:compute,boot_option:local" });
      expect([differs.status, differs.stdout]).toEqual([0, `${name}: boot_option:(unset),profile:control\n`]);
      const same = observe("ironic-nodes-capabilities", { OS_CLOUD: "undercloud", NODE_NAMES: names, [variable(absent)]: "profile:compute", [variable(name)]: "profile:control" });
      expect([same.status, same.stdout]).toEqual([0, "tagged\n"]);
      const missing = observe("ironic-nodes-capabilities", { OS_CLOUD: "undercloud", NODE_NAMES: names, [variable(name)]: "profile:control" });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain(`missing environment variable(s): ${variable(absent)}`);
    } finally {
      openstackAction("undercloud", ["baremetal", "node", "delete", name]);
    }
  });

  test("compute hosts: up, and absent, in the given order", () => {
    const result = observe("compute-hosts", { OS_CLOUD: "overcloud", COMPUTE_HOSTS: "compute-1,observe-step-no-such-host,compute-0" });
    expect(result.status).toBe(0);
    // compute-0 may be down for a moment while another test restarts it; the words are what matters here.
    expect(result.stdout).toMatch(/^compute-1:(up|down),observe-step-no-such-host:absent,compute-0:(up|down)\n$/);
  });
});
