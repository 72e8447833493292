/**
 * Twenty nodes at once against the real Ironic (fake-hardware, inspected by
 * ironic-inspector and the ramdisk stand-in): all end inspected, tagged and available; re-plan is empty; an apply killed in the
 * middle converges when re-run; destroy removes them all.
 */
import { spawn } from "node:child_process";
import { writeFleetLab } from "../../bench/generate-lab";
import { CLASSROOM_NODE_FOUND, describeWithTestbed, inspectedProperties, openstack, stackOnTestbed, testbedEnv } from "../helpers/testbed";
import { TOFU, TOFU_CONFIG } from "../helpers/tofu";

const COUNT = 20;

describeWithTestbed(`${COUNT} nodes on the test bed`, () => {
  const { dir, run } = stackOnTestbed(writeFleetLab(COUNT), `fleet${COUNT}-undercloud`, [`-parallelism=${COUNT}`]);
  const fleetNodes = () => openstack("undercloud", ["baremetal", "node", "list", "--long"]).filter((n: any) => /^fleet\d\d$/.test(n.Name));

  test("an apply killed while nodes are being enrolled converges when re-run", async () => {
    // Start an apply, kill it (SIGKILL, whole process group) once introspections are under way.
    const child = spawn(TOFU, ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${COUNT}`], {
      cwd: dir,
      detached: true,
      env: { ...process.env, ...testbedEnv, TF_CLI_CONFIG_FILE: TOFU_CONFIG },
    });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no introspection started within 120 s:\n${output}`)), 120000);
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if ((output.match(/starting introspection/g) ?? []).length >= 3) {
          clearTimeout(timer);
          process.kill(-child.pid!, "SIGKILL");
          resolve();
        }
      });
      child.on("exit", () => resolve());
    });
    await new Promise((resolve) => child.on("close", resolve));
    const partial = fleetNodes();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.filter((n: any) => n["Provisioning State"] === "available").length).toBeLessThan(COUNT);

    const rerun = run(["apply", "-auto-approve", `-parallelism=${COUNT}`]);
    expect(rerun.stdout).toMatch(/Apply complete!/);
  });

  test(`all ${COUNT} nodes are available, inspected and tagged, each once`, () => {
    const nodes = fleetNodes();
    expect(nodes).toHaveLength(COUNT);
    for (const node of nodes) {
      expect(node["Provisioning State"]).toBe("available");
      expect(node["Inspection Finished At"]).toBeTruthy();
      // Inspector's capabilities (cpu flags) merged with the lab's; the properties introspection found (a 40 GiB disk: local_gb 39).
      expect(node.Properties.capabilities).toBe("boot_option:local,cpu_aes:true,cpu_hugepages:true,profile:compute");
      expect(inspectedProperties(node.Properties)).toEqual(CLASSROOM_NODE_FOUND);
    }
  });

  test("a second plan shows no changes", () => {
    expect(run(["plan", "-detailed-exitcode"]).stdout).toContain("No changes.");
  });

  test("destroy removes every node", () => {
    run(["destroy", "-auto-approve", `-parallelism=${COUNT}`]);
    expect(fleetNodes()).toEqual([]);
  });
});
