/**
 * The overcloud stack of the test-bed lab applied by OpenTofu with the real
 * provider against real Nova and Neutron: the instance pinned to compute-0
 * with a floating IP from lab_pubnet; a second plan is empty; destroy leaves
 * no port or floating IP behind.
 */
import * as path from "node:path";
import { synthLabToDisk, TESTBED_LAB } from "../helpers/synth";
import { describeWithTestbed, openstack, openstackMaybe, testbedEnv } from "../helpers/testbed";
import { tofu } from "../helpers/tofu";

describeWithTestbed("overcloud stack on the test bed", () => {
  const dir = path.join(synthLabToDisk(TESTBED_LAB), "stacks", "testbed-overcloud");
  const run = (args: string[]) => tofu(dir, [...args, "-input=false", "-no-color"], testbedEnv);
  let serverId = "";
  let floatingIpId = "";

  beforeAll(() => {
    run(["init"]);
  });

  afterAll(() => {
    // Whatever a failed test left: never leave the test bed dirty.
    try {
      run(["destroy", "-auto-approve"]);
    } catch (error) {
      console.error(`cleanup destroy failed: ${(error as Error).message}`);
    }
  });

  test("apply: lab_test-nodes ACTIVE on compute-0, its port holding a floating IP from lab_pubnet", () => {
    run(["apply", "-auto-approve"]);
    const server = openstack("overcloud", ["server", "show", "lab_test-nodes"]);
    serverId = server.id;
    expect(server.status).toBe("ACTIVE");
    expect(server["OS-EXT-SRV-ATTR:host"]).toBe("compute-0");
    expect(server["OS-EXT-AZ:availability_zone"]).toBe("nova");

    const ports = openstack("overcloud", ["port", "list", "--device-id", server.id]);
    expect(ports).toHaveLength(1);
    const fips = openstack("overcloud", ["floating", "ip", "list", "--port", ports[0].ID]);
    expect(fips).toHaveLength(1);
    const pubnet = openstack("overcloud", ["network", "show", "lab_pubnet"]);
    expect(fips[0]["Floating Network"]).toBe(pubnet.id);

    floatingIpId = fips[0].ID;
    const outputs = JSON.parse(tofu(dir, ["output", "-json", "-no-color"], testbedEnv).stdout);
    const byName = (suffix: string) => Object.entries(outputs).find(([k]) => k.includes(suffix))?.[1] as { value: string };
    expect(byName("FloatingIpAddress").value).toBe(fips[0]["Floating IP Address"]);
    expect(byName("_Host_").value).toBe("compute-0");
    expect(byName("FixedIp").value).toBe(ports[0]["Fixed IP Addresses"][0].ip_address);
  });

  test("a second plan shows no changes", () => {
    const plan = run(["plan", "-detailed-exitcode"]);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain("No changes.");
  });

  test("destroy leaves no server, port or floating IP behind", () => {
    expect(serverId).not.toBe("");
    run(["destroy", "-auto-approve"]);
    expect(openstackMaybe("overcloud", ["server", "show", serverId])).toBeUndefined();
    expect(openstack("overcloud", ["port", "list", "--device-id", serverId])).toEqual([]);
    expect(openstackMaybe("overcloud", ["floating", "ip", "show", floatingIpId])).toBeUndefined();
  });
});
