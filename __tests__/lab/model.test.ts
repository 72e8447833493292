/**
 * The resolved lab (lab/model.ts): what a lab means, worked out once and
 * read by the stacks, `overcloud render`, `verify` and `settle`.
 */
import { enrolmentSpec, loadLab, resolveLab } from "../../lab";
import { labWith } from "../helpers/lab-builder";
import { CLASSROOM_LAB, TESTBED_LAB } from "../helpers/synth";

const classroom = resolveLab(loadLab(CLASSROOM_LAB));

/** The classroom lab scaled in: Compute keeps 1 node; novacompute-1 (a compute host) and a node without instances leave. */
const SCALE_IN = labWith(CLASSROOM_LAB, {
  lab: (l) => {
    l.overcloud.roles.Compute.count = 1;
    l.overcloud.roles.Compute.remove = [{ hostname: "overcloud-novacompute-1", computeHost: "overcloud-novacompute-1.localdomain" }, { hostname: "overcloud-novacompute-9" }];
    l.overcloud.roles.CephStorage.count = 0;
    l.overcloud.roles.CephStorage.remove = [{ hostname: "overcloud-cephstorage-0" }];
    l.overcloud.computeHosts = ["overcloud-novacompute-0.localdomain"];
    delete l.instances!["lab_test-nodes"].migration;
  },
});

describe("resolveLab: nodes", () => {
  test("GIVEN the classroom lab (no capabilities in the node file) WHEN resolved THEN compute2's capabilities are the lab's", () => {
    expect(classroom.baremetal.nodes.map((n) => [n.name, n.capabilities])).toEqual([["compute2", { profile: "compute", boot_option: "local" }]]);
  });

  test("GIVEN a node file with capabilities WHEN the lab sets some of the same keys THEN the lab's win and the others stay", () => {
    const file = labWith(CLASSROOM_LAB, { node: (node) => (node.capabilities = "profile:control,boot_mode:uefi") });
    const [node] = resolveLab(loadLab(file)).baremetal.nodes;
    expect(node.capabilities).toEqual({ profile: "compute", boot_mode: "uefi", boot_option: "local" });
  });

  test("GIVEN the effective capabilities WHEN the enrolment spec is made THEN it tags exactly those, with the images the stack passes", () => {
    const [node] = classroom.baremetal.nodes;
    const spec = enrolmentSpec(node, { deployKernel: "kernel-id", deployRamdisk: "ramdisk-id" });
    expect(spec.capabilities).toEqual({ profile: "compute", boot_option: "local" });
    expect(spec.driver).toBe("ipmi");
    expect(spec.driver_info).toEqual({ ipmi_address: "192.168.1.113", ipmi_username: "admin", deploy_kernel: "kernel-id", deploy_ramdisk: "ramdisk-id" });
  });

  test("GIVEN a node's own kernel by Glance name and ramdisk by URL WHEN resolved THEN only the name is looked up", () => {
    const file = labWith(CLASSROOM_LAB, { node: (node) => Object.assign(node, { kernel_id: "my-kernel", ramdisk_id: "https://images.example/ramdisk" }) });
    const [node] = resolveLab(loadLab(file)).baremetal.nodes;
    expect(node.kernelImage).toEqual({ reference: "my-kernel", lookUp: true });
    expect(node.ramdiskImage).toEqual({ reference: "https://images.example/ramdisk", lookUp: false });
    expect(classroom.baremetal.nodes[0].kernelImage).toBeUndefined();
  });

  test("GIVEN the classroom lab WHEN resolved THEN the introspection settings are the lab file's, and the test bed's are its own", () => {
    expect(classroom.baremetal.introspection).toEqual({ timeoutSeconds: 1800, pollSeconds: 10, concurrency: 20 });
    expect(resolveLab(loadLab(TESTBED_LAB)).baremetal.introspection).toEqual({ timeoutSeconds: 300, pollSeconds: 2, concurrency: 20 });
  });
});

describe("resolveLab: role coverage", () => {
  test("GIVEN the classroom lab WHEN resolved THEN each role counts the node file's nodes by effective profile, then the existing ones", () => {
    expect(classroom.roleCoverage).toEqual([
      { role: "Controller", profile: "control", count: 1, tagged: ["controller"] },
      { role: "Compute", profile: "compute", count: 2, tagged: ["compute2", "compute1"] },
      { role: "CephStorage", profile: "ceph-storage", count: 1, tagged: ["ceph"] },
    ]);
  });
});

describe("resolveLab: the overcloud run", () => {
  test("GIVEN the classroom lab WHEN resolved THEN there is no scale-in, and the deploy asks 1 control, 2 compute, 1 ceph-storage", () => {
    const run = classroom.overcloud.run!;
    expect(run.scaleIn).toBeUndefined();
    expect(run.deploy.profileCounts).toEqual({ control: 1, compute: 2, "ceph-storage": 1 });
    expect(run.deploy.timeoutMinutes).toBe(90);
    expect(run.deploy.rendered.commands[0]).toEqual(expect.arrayContaining(["--compute-scale", "2", "--control-scale", "1"]));
  });

  test("GIVEN a scale-in of three nodes in two roles WHEN resolved THEN the removed nodes keep the file's order, and only the compute host is drained", () => {
    const scaleIn = resolveLab(loadLab(SCALE_IN)).overcloud.run!.scaleIn!;
    expect(scaleIn.removed).toEqual([
      { role: "Compute", hostname: "overcloud-novacompute-1", computeHost: "overcloud-novacompute-1.localdomain" },
      { role: "Compute", hostname: "overcloud-novacompute-9" },
      { role: "CephStorage", hostname: "overcloud-cephstorage-0" },
    ]);
    expect(scaleIn.drains).toEqual([
      { hostname: "overcloud-novacompute-1", computeHost: "overcloud-novacompute-1.localdomain", remainingHosts: ["overcloud-novacompute-0.localdomain"], migrationKind: "live" },
    ]);
    expect(scaleIn.nodeDelete.commands).toEqual([["overcloud", "node", "delete", "--stack", "overcloud", "overcloud-novacompute-1", "overcloud-novacompute-9", "overcloud-cephstorage-0"]]);
  });

  test("GIVEN the scale-in WHEN resolved THEN the deploy that follows asks the lower counts", () => {
    const deploy = resolveLab(loadLab(SCALE_IN)).overcloud.run!.deploy;
    expect(deploy.profileCounts).toEqual({ control: 1, compute: 1, "ceph-storage": 0 });
    expect(deploy.rendered.commands[0]).toEqual(expect.arrayContaining(["--compute-scale", "1", "--ceph-storage-scale", "0"]));
  });

  test("GIVEN a lab that deploys no overcloud (the test bed) WHEN resolved THEN nothing runs for it and verify expects no Heat stack", () => {
    const testbed = resolveLab(loadLab(TESTBED_LAB));
    expect(testbed.overcloud.run).toBeUndefined();
    expect(testbed.overcloud.computeHosts).toEqual(["compute-0", "compute-1"]);
    expect(testbed.expected.heatStack).toBeUndefined();
  });
});

describe("resolveLab: what verify expects", () => {
  test("GIVEN the classroom lab WHEN resolved THEN verify expects compute2 with its effective capabilities and the node file's properties", () => {
    expect(classroom.expected.nodes).toEqual([
      { name: "compute2", capabilities: { profile: "compute", boot_option: "local" }, properties: { cpus: 2, memory_mb: 6144, local_gb: 40, cpu_arch: "x86_64" } },
    ]);
    expect(classroom.expected.heatStack).toBe("overcloud");
  });

  test("GIVEN an instance with a migration WHEN resolved THEN verify expects it on the migration's target, and one without on its boot host", () => {
    expect(classroom.expected.instances).toEqual([
      {
        name: "lab_test-nodes",
        host: "overcloud-novacompute-1.localdomain",
        floatingIp: { address: "172.25.250.51" },
        migration: { from: "overcloud-novacompute-0.localdomain", to: "overcloud-novacompute-1.localdomain" },
      },
    ]);
    expect(resolveLab(loadLab(SCALE_IN)).expected.instances.map((i) => [i.host, i.migration])).toEqual([["overcloud-novacompute-0.localdomain", undefined]]);
  });
});
