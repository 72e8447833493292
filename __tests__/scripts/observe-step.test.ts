/**
 * scripts/observe-step.sh, the observer the labcdk provider runs at refresh:
 * its contract (one line on stdout; exit 1 bad input, 2 cannot observe) and
 * each check's words against the test bed, for the cases the drift test
 * (integration/drift.test.ts) does not reach: absent things and hosts.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { describeWithTestbed, openstackAction, testbedEnv } from "../helpers/testbed";

const OBSERVER = path.join(projectRoot(), "scripts", "observe-step.sh");

function observe(check: string, env: Record<string, string>) {
  return spawnSync("bash", [OBSERVER, check], { encoding: "utf8", timeout: 60000, env: { ...process.env, ...testbedEnv, ...env } });
}

describe("scripts/observe-step.sh without a cloud", () => {
  test("--help names every check and its inputs", () => {
    const result = spawnSync("bash", [OBSERVER, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    for (const word of ["ironic-nodes ", "ironic-nodes-capabilities", "NODE_NAMES", "NODE_CAPABILITIES_<NAME>", "ironic-node ", "ironic-node-capabilities", "nova-instance-host", "compute-hosts", "NODE_CAPABILITIES", "TARGET_HOST", "COMPUTE_HOSTS"]) {
      expect(result.stdout).toContain(word);
    }
  });

  test("an unknown check or a missing input: exit 1, nothing on stdout", () => {
    const unknown = observe("ironic-nodez", { OS_CLOUD: "undercloud" });
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain("usage: observe-step.sh ironic-nodes | ironic-nodes-capabilities | ironic-node | ironic-node-capabilities | nova-instance-host | compute-hosts");
    const missing = observe("ironic-node-capabilities", { OS_CLOUD: "undercloud", NODE_NAME: "compute2" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("missing environment variable(s): NODE_CAPABILITIES");
  });

  test("a cloud that is not in clouds.yaml: exit 2 naming it", () => {
    const result = observe("ironic-node", { OS_CLOUD: "no-such-cloud", NODE_NAME: "compute2" });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("the cloud 'no-such-cloud' cannot be reached");
  });
});

describeWithTestbed("scripts/observe-step.sh on the test bed", () => {
  test("absent things: a node that does not exist, and a server that does not (left to the OpenStack provider)", () => {
    const node = observe("ironic-node", { OS_CLOUD: "undercloud", NODE_NAME: "observe-step-no-such-node" });
    expect([node.status, node.stdout]).toEqual([0, "absent\n"]);
    // The Enroll step's observation reports the absence; the Tag step's stays quiet.
    const caps = observe("ironic-node-capabilities", { OS_CLOUD: "undercloud", NODE_NAME: "observe-step-no-such-node", NODE_CAPABILITIES: "profile:compute,boot_option:local" });
    expect([caps.status, caps.stdout]).toEqual([0, "boot_option:local,profile:compute\n"]);
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
      const variable = (n: string) => `NODE_CAPABILITIES_${n.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
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
