/**
 * The undercloud stack of the test-bed lab against the real Ironic
 * (fake-hardware, inspected by ironic-inspector on Zed or by Ironic itself on Epoxy, fed by the ramdisk stand-in): compute2 goes from the node file to an introspected,
 * profile-tagged, `available` node; re-apply is a no-op; destroy removes it.
 */
import { TESTBED_LAB } from "../helpers/synth";
import { describeWithTestbed, openstack, openstackMaybe, openstackTry, stackOnTestbed, TESTBED_INSPECT_INTERFACE, inspectedProperties, CLASSROOM_NODE_FOUND } from "../helpers/testbed";

describeWithTestbed("undercloud stack on the test bed", () => {

  // A node left by an earlier, interrupted run would be adopted (matched by name): start clean.
  beforeAll(() => {
    if (openstackMaybe("undercloud", ["baremetal", "node", "show", "compute2"])) {
      openstackTry("undercloud", ["baremetal", "node", "manage", "compute2", "--wait", "120"]);
      openstackTry("undercloud", ["baremetal", "node", "delete", "compute2"]);
    }
  });
  const { run } = stackOnTestbed(TESTBED_LAB, "testbed-undercloud");

  test("apply: compute2 is available, inspected, tagged profile:compute,boot_option:local, with the properties introspection found", () => {
    const apply = run(["apply", "-auto-approve"]);
    expect(apply.stdout).toContain("introspection: done");
    expect(apply.stdout).toContain("node compute2: introspection found local_gb 39 (the file says 40); Ironic keeps what it found");
    const node = openstack("undercloud", ["baremetal", "node", "show", "compute2"]);
    expect(node.provision_state).toBe("available");
    expect(node.driver).toBe("fake-hardware");
    expect(node.maintenance).toBe(false);
    expect(node.inspection_finished_at).toBeTruthy();
    expect(node.inspect_interface).toBe(TESTBED_INSPECT_INTERFACE);
    // As the runbook shows after introspection: local_gb 39 from the 40 GiB disk.
    expect(inspectedProperties(node.properties)).toEqual(CLASSROOM_NODE_FOUND);
    expect(node.properties.capabilities).toBe("boot_option:local,cpu_aes:true,cpu_hugepages:true,profile:compute");
    const kernel = openstack("undercloud", ["image", "show", "bm-deploy-kernel"]);
    expect(node.driver_info.deploy_kernel).toBe(kernel.id);
    const ports = openstack("undercloud", ["baremetal", "port", "list", "--node", node.uuid]);
    expect(ports.map((p: { Address: string }) => p.Address)).toEqual(["52:54:00:00:fa:0d"]);
  });

  test("a second plan shows no changes, and re-running the enrolment script leaves the node alone", () => {
    const plan = run(["plan", "-detailed-exitcode"]);
    expect(plan.stdout).toContain("No changes.");
  });

  test("destroy unregisters the node", () => {
    run(["destroy", "-auto-approve"]);
    expect(openstackMaybe("undercloud", ["baremetal", "node", "show", "compute2"])).toBeUndefined();
  });
});
