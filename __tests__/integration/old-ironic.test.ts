/**
 * The runbook's director is old: OSP 8 (Liberty, Ironic API up to 1.14); OSP 10 (Newton) answers up to
 * 1.22 and OSP 13 (Queens) up to 1.38 (Ironic's release_mappings). There is no such Ironic here, so a
 * STAND-IN FOR AN OLD SERVER (testbed/lib/ironic_cap.py) sits in front of the bed's Zed Ironic: it
 * advertises the old maximum, refuses a higher microversion with 406 as Ironic does, and passes the rest
 * on. It is not an old Ironic (its drivers, states and fields below the cap are Zed's); what it shows is
 * labcdk's side of the version negotiation.
 *
 * GIVEN the runbook's compute2 entry (its BMC a simulated IPMI one; name and MAC made this run's own),
 * WHEN enrolled through the stand-in at each cap, THEN it ends available with local_gb 39, and each
 * field the cap lacks is named once (resource_class from 1.21, physical_network from 1.34), never a
 * failure half-way. Zed only: the stand-in is the thing tested, not the release behind it.
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ironicNodeSpec, nodeVariableSuffix } from "../../lab/ironic-fields";
import { loadNodeFile } from "../../lab/instackenv";
import { projectRoot } from "../../lab/project-root";
import { addBmc, removeBmc } from "../helpers/bmc";
import { enrollNodesAsync } from "../helpers/enroll";
import { describeWithTestbed, openstack, openstackMaybe, openstackTry, TESTBED_CLOUDS, TESTBED_RELEASE } from "../helpers/testbed";

const suffix = randomUUID().slice(0, 6);
const CAPS = [
  { release: "liberty", director: "OSP 8", cap: "1.14", leftOut: ["node resource_class (from 1.21)", "port physical_network (from 1.34)"] },
  { release: "newton", director: "OSP 10", cap: "1.22", leftOut: ["port physical_network (from 1.34)"] },
  { release: "queens", director: "OSP 13", cap: "1.38", leftOut: [] },
];
const nodeName = (release: string) => `compute2-${release}-${suffix}`;
const describeOnZed = TESTBED_RELEASE === "zed" ? describeWithTestbed : describe.skip;

/** The stand-in at CAP in front of the bed's Ironic; resolves to its URL once it listens. */
function standIn(cap: string, ironic: string): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn("/usr/bin/python3", [path.join(projectRoot(), "testbed", "lib", "ironic_cap.py"), cap, ironic]);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) resolve({ url, process: child });
    });
    child.on("exit", (code) => reject(new Error(`ironic_cap.py ${cap} exited (${code}): ${out}`)));
  });
}

describeOnZed("enrolment through a stand-in for an old Ironic API (microversion capped at Liberty's, Newton's and Queens')", () => {
  jest.setTimeout(300000);
  const standIns: ChildProcess[] = [];
  afterAll(() => {
    for (const child of standIns) child.kill();
    for (const { release } of CAPS) {
      if (openstackMaybe("undercloud", ["baremetal", "node", "show", nodeName(release)])) {
        openstackTry("undercloud", ["baremetal", "node", "manage", nodeName(release), "--wait", "60"]);
        openstackTry("undercloud", ["baremetal", "node", "delete", nodeName(release)]);
      }
      removeBmc(nodeName(release));
    }
  });

  test("the runbook's node file enrolls at each cap, each field the cap lacks named once, and ends available", async () => {
    const clouds = parse(fs.readFileSync(TESTBED_CLOUDS, "utf8"));
    const ironic = openstack("undercloud", ["catalog", "show", "baremetal"]).endpoints.find((e: { interface: string }) => e.interface === "public").url.replace(/\/$/, "");
    const images = { deployKernel: openstack("undercloud", ["image", "show", "bm-deploy-kernel"]).id, deployRamdisk: openstack("undercloud", ["image", "show", "bm-deploy-ramdisk"]).id };
    const runbook = JSON.parse(fs.readFileSync(path.join(projectRoot(), "labs", "classroom", "instackenv-onenode.json"), "utf8"));

    const runs = await Promise.all(CAPS.map(async ({ release, cap }, i) => {
      const password = `old-${release}-${suffix}`;
      const bmc = addBmc(nodeName(release), "ipmi", password);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `labcdk-old-ironic-${release}-`));
      const entry = { ...runbook.nodes[0], name: nodeName(release), pm_addr: bmc.pm_addr, pm_password: password, mac: [`52:54:08:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:0${i}`] };
      fs.writeFileSync(path.join(dir, "nodes.json"), JSON.stringify({ nodes: [entry] }));
      const spec = ironicNodeSpec(loadNodeFile(path.join(dir, "nodes.json"))[0], images, { profile: "compute" });
      const proxy = await standIn(cap, ironic);
      standIns.push(proxy.process);
      // The enrolment's cloud, its baremetal endpoint the stand-in's.
      const capped = { clouds: { undercloud: { ...clouds.clouds.undercloud, baremetal_endpoint_override: `${proxy.url}/` } } };
      fs.writeFileSync(path.join(dir, "clouds.yaml"), stringify(capped));
      return enrollNodesAsync([spec], { OS_CLIENT_CONFIG_FILE: path.join(dir, "clouds.yaml"), [`LABCDK_BMC_PASSWORD_${nodeVariableSuffix(nodeName(release))}`]: password });
    }));

    CAPS.forEach(({ release, cap, leftOut }, i) => {
      const { status, stdout, stderr } = runs[i];
      expect({ release, status, stderr }).toEqual({ release, status: 0, stderr: "" });
      const named = stdout.split("\n").filter((l) => l.includes(`the Ironic API answers up to ${cap}: `));
      expect(named.map((l) => l.replace(/^.*answers up to [\d.]+: (.*) left out, .*$/, "$1"))).toEqual(leftOut);
      expect(stdout).toContain(`node ${nodeName(release)}: introspection found local_gb 39 (the file says 40)`);
      const node = openstack("undercloud", ["baremetal", "node", "show", nodeName(release)]);
      expect(node).toMatchObject({ provision_state: "available", driver: "ipmi" });
      expect(String(node.properties.local_gb)).toBe("39");
      expect(node.resource_class).toBe(leftOut.some((l) => l.includes("resource_class")) ? null : "baremetal");
      const ports = openstack("undercloud", ["baremetal", "port", "list", "--node", node.uuid, "--long"]);
      expect(ports.map((p: any) => p["Physical Network"])).toEqual([leftOut.some((l) => l.includes("physical_network")) ? null : "ctlplane"]);
    });
  });
});
