import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_LAB_FILE, labFileFromEnvironment, loadLab } from "../../lab";
import { writeFiles } from "../helpers/files";
import { CLASSROOM_LAB } from "../helpers/synth";
import { problemsOfRefused } from "../helpers/problems";

const NODE_FILE = JSON.stringify({
  nodes: [{ name: "compute2", pm_type: "ipmi", pm_addr: "192.168.1.113", pm_user: "admin", pm_password: "s3cret-bmc", mac: ["52:54:00:00:fa:0d"] }],
});

/** The classroom lab file with one edit applied, written next to a valid node file. */
function classroomWith(edit: (text: string) => string): string {
  const text = edit(fs.readFileSync(CLASSROOM_LAB, "utf8"));
  const dir = writeFiles({ "lab.yaml": text, "instackenv-onenode.json": NODE_FILE });
  return path.join(dir, "lab.yaml");
}

describe("the built-in classroom lab", () => {
  const lab = loadLab(CLASSROOM_LAB);

  test("is the default when LAB_CONFIG is not set, and LAB_CONFIG selects another file", () => {
    expect(labFileFromEnvironment({})).toBe(DEFAULT_LAB_FILE);
    expect(DEFAULT_LAB_FILE).toBe(CLASSROOM_LAB);
    expect(labFileFromEnvironment({ LAB_CONFIG: "labs/classroom-dev/lab.yaml" })).toBe(path.resolve("labs/classroom-dev/lab.yaml"));
  });

  test("carries the runbook's overcloud: scales 1/2/1, flavors, vxlan, five environment files in order", () => {
    expect(lab.overcloud.roles).toEqual({
      Controller: { count: 1, flavor: "control", profile: "control", remove: [] },
      Compute: { count: 2, flavor: "compute", profile: "compute", remove: [] },
      CephStorage: { count: 1, flavor: "ceph-storage", profile: "ceph-storage", remove: [] },
    });
    expect(lab.overcloud.templatesDir).toBe("/home/stack/templates");
    expect(lab.overcloud.neutronTunnelTypes).toEqual(["vxlan"]);
    expect(lab.overcloud.neutronNetworkType).toBe("vxlan");
    expect(lab.overcloud.environmentFiles.map((f) => path.basename(f))).toEqual([
      "compute-extraconfig.yaml",
      "network-isolation.yaml",
      "network-environment.yaml",
      "storage-environment.yaml",
      "pre-config-fix.yaml",
    ]);
  });

  test("reads compute2 from the legacy node file, numbers from strings, classic driver mapped to ipmi", () => {
    expect(lab.nodes).toHaveLength(1);
    const [node] = lab.nodes;
    expect(node).toMatchObject({
      name: "compute2",
      driver: "ipmi",
      classicDriver: "pxe_ipmitool",
      bmcAddress: "192.168.1.113",
      bmcUsername: "admin",
      macs: ["52:54:00:00:fa:0d"],
      cpus: 2,
      memoryMb: 6144,
      localGb: 40,
      cpuArch: "x86_64",
    });
    expect(JSON.stringify(node)).not.toContain("password");
    expect(lab.baremetal.nodes.compute2.capabilities).toEqual({ profile: "compute", boot_option: "local" });
  });

  test("has the test instance on compute 0 with the pre-allocated floating IP, moving to compute 1", () => {
    expect(lab.instances["lab_test-nodes"]).toEqual({
      image: "small",
      flavor: "m2.small",
      network: "lab_privnet",
      availabilityZone: "nova",
      host: "overcloud-novacompute-0.localdomain",
      floatingIp: { pool: "lab_pubnet", address: "172.25.250.51" },
      reachabilityCheck: "ping",
      migration: { to: "overcloud-novacompute-1.localdomain", kind: "cold" },
    });
    expect(lab.flavors["m2.small"]).toEqual({ vcpus: 2, ramMb: 1024, diskGb: 10, swapMb: 1024, create: false });
    expect(lab.networks.lab_pubnet).toMatchObject({ subnet: "lab_pubsub", cidr: "172.25.250.0/24", external: true });
  });
});

describe("a lab file with mistakes", () => {
  test("an unknown field is named with its line and column", () => {
    const file = classroomWith((t) => t.replace("  deployTimeoutMinutes: 90", "  deployTimeoutMinutes: 90\n  computeScale: 3"));
    const problems = problemsOfRefused(loadLab, file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${file}:\\d+:3: overcloud\\.computeScale: is not a known field`));
  });

  test("a pinned host the lab does not define is refused, naming the host and the known ones", () => {
    const file = classroomWith((t) => t.replace("    host: overcloud-novacompute-0.localdomain", "    host: overcloud-novacompute-7.localdomain"));
    const [problem] = problemsOfRefused(loadLab, file);
    expect(problem).toContain("instances.lab_test-nodes.host: is not a compute host of this lab");
    expect(problem).toContain('(got "overcloud-novacompute-7.localdomain")');
    expect(problem).toContain("overcloud-novacompute-0.localdomain, overcloud-novacompute-1.localdomain");
  });

  test("a floating pool that is not an external network of the lab is refused", () => {
    const file = classroomWith((t) => t.replace("floatingIp: { pool: lab_pubnet", "floatingIp: { pool: lab_privnet"));
    expect(problemsOfRefused(loadLab, file)).toEqual([expect.stringContaining("instances.lab_test-nodes.floatingIp.pool: is not an external network of this lab")]);
  });

  test("every problem is reported at once, with the received values", () => {
    const file = classroomWith((t) =>
      t
        .replace("count: 2, flavor: compute", "count: -1, flavor: compute")
        .replace("cidr: 192.168.1.0/24", "cidr: 192.168.1.0")
        .replace("migration: { to: overcloud-novacompute-1.localdomain", "migration: { to: overcloud-novacompute-0.localdomain"),
    );
    const problems = problemsOfRefused(loadLab, file);
    // Schema and cross-field problems in one round: the migration check reads instances and
    // overcloud.computeHosts, which parsed, though overcloud.roles and networks did not.
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toContain("overcloud.roles.Compute.count: must be at least 0 (got -1)");
    expect(problems.join("\n")).toContain('networks.lab_privnet.cidr: is not a CIDR: write ADDRESS/PREFIX, such as 192.168.1.0/24 or 2001:db8:1::/64 (got "192.168.1.0")');
    expect(problems.join("\n")).toContain("instances.lab_test-nodes.migration.to: is the host the instance boots on");
  });

  test("GIVEN one instance with a bad field and another on an unknown host THEN both are reported in one round", () => {
    const file = classroomWith((t) =>
      t.replace(
        "    migration: { to: overcloud-novacompute-1.localdomain, kind: cold }",
        "    migration: { to: overcloud-novacompute-1.localdomain, kind: cold }\n    reachabilityCheck: pong\n" +
          "  second:\n    image: small\n    flavor: m2.small\n    network: lab_privnet\n    host: overcloud-novacompute-7.localdomain",
      ),
    );
    const problems = problemsOfRefused(loadLab, file).join("\n");
    expect(problems).toContain('instances.lab_test-nodes.reachabilityCheck: must be one of ping, api, none (got "pong"); did you mean "ping"?');
    expect(problems).toContain('instances.second.host: is not a compute host of this lab');
  });

  test("a migration to the boot host is refused", () => {
    const file = classroomWith((t) => t.replace("migration: { to: overcloud-novacompute-1.localdomain", "migration: { to: overcloud-novacompute-0.localdomain"));
    expect(problemsOfRefused(loadLab, file)).toEqual([expect.stringContaining("instances.lab_test-nodes.migration.to: is the host the instance boots on")]);
  });

  describe("adopt: (written by labcdk import)", () => {
    const SERVER = "0b6f2c1e-8a7d-4a6e-9f3c-2d1e0a9b8c7d";
    const PORT = "1c7a3d2f-9b8e-4b7f-8a4d-3e2f1b0c9d8e";
    const FIP = "2d8b4e3a-0c9f-4c8a-9b5e-4f3a2c1d0e9f";
    const RULE = "3e9c5f4b-1d0a-4d9b-8c6f-5a4b3d2e1f0a";
    const adopt = (ids: string) => (t: string) => t.replace("    migration: { to: overcloud-novacompute-1.localdomain, kind: cold }", `    migration: { to: overcloud-novacompute-1.localdomain, kind: cold }\n    adopt: ${ids}`);

    test("GIVEN server, port and floating IP ids THEN the lab loads with them", () => {
      const lab = loadLab(classroomWith(adopt(`{ serverId: ${SERVER}, portId: ${PORT}, floatingIpId: ${FIP} }`)));
      expect(lab.instances["lab_test-nodes"].adopt).toEqual({ serverId: SERVER, portId: PORT, floatingIpId: FIP });
    });

    test("GIVEN an id that is not a UUID THEN it is refused naming the field and the value", () => {
      expect(problemsOfRefused(loadLab, classroomWith(adopt(`{ serverId: lab_test-nodes, portId: ${PORT} }`)))).toEqual([
        expect.stringMatching(/lab\.yaml:\d+:\d+: instances\.lab_test-nodes\.adopt\.serverId: must be a UUID .* \(got "lab_test-nodes"\)/),
      ]);
    });

    test("GIVEN a floating IP adopted by an instance without floatingIp THEN refused", () => {
      const file = classroomWith((t) => adopt(`{ serverId: ${SERVER}, portId: ${PORT}, floatingIpId: ${FIP} }`)(t).replace("    floatingIp: { pool: lab_pubnet, address: 172.25.250.51 }\n", ""));
      expect(problemsOfRefused(loadLab, file)).toEqual([expect.stringContaining("instances.lab_test-nodes.adopt.floatingIpId: adopts a floating IP but the instance has no floatingIp")]);
    });

    test("GIVEN one id adopted twice THEN refused naming both places", () => {
      expect(problemsOfRefused(loadLab, classroomWith(adopt(`{ serverId: ${SERVER}, portId: ${SERVER} }`)))).toEqual([
        expect.stringContaining(`instances.lab_test-nodes.adopt.portId: adopts ${SERVER}, which instances.lab_test-nodes.adopt.serverId adopts too`),
      ]);
    });

    test("GIVEN an ICMP rule adopted while allowIcmp is false THEN refused; with allowIcmp true it loads", () => {
      const rule = (allow: boolean) => (t: string) => t.replace("  allowIcmp: true\n", `  allowIcmp: ${allow}\n  adopt: { icmpRuleId: ${RULE} }\n`);
      expect(problemsOfRefused(loadLab, classroomWith(rule(false)))).toEqual([expect.stringContaining("securityGroup.adopt.icmpRuleId: adopts an ICMP rule but allowIcmp is false")]);
      expect(loadLab(classroomWith(rule(true))).securityGroup.adopt).toEqual({ icmpRuleId: RULE });
    });
  });

  test("node settings for a node the node file does not have are refused", () => {
    const file = classroomWith((t) => t.replace("    compute2:\n", "    compute3:\n"));
    expect(problemsOfRefused(loadLab, file)).toEqual([
      expect.stringContaining("baremetal.nodes.compute3: names no node of instackenv-onenode.json (it has compute2)"),
      // compute2 lost its profile with the settings: the role count check says so too.
      expect.stringContaining("overcloud.roles.Compute.count: Compute needs 2 node(s) tagged profile:compute but the lab has 1 (compute1): 1 short"),
    ]);
  });

  test("a role count more than the nodes tagged with its profile is refused, naming the role and the shortfall", () => {
    const file = classroomWith((t) => t.replace("Compute: { count: 2,", "Compute: { count: 4,").replace("CephStorage: { count: 1,", "CephStorage: { count: 2,"));
    const problems = problemsOfRefused(loadLab, file);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: overcloud\\.roles\\.Compute\\.count: Compute needs 4 node\\(s\\) tagged profile:compute but the lab has 2 \\(compute2, compute1\\): 2 short`));
    expect(problems[1]).toContain("overcloud.roles.CephStorage.count: CephStorage needs 2 node(s) tagged profile:ceph-storage but the lab has 1 (ceph): 1 short");
  });

  test("the tagged-node check reads the profile the lab gives a node (baremetal.nodes), and existingNodes", () => {
    const file = classroomWith((t) => t.replace("capabilities: { profile: compute, boot_option: local }", "capabilities: { profile: ceph-storage, boot_option: local }"));
    expect(problemsOfRefused(loadLab, file)).toEqual([expect.stringContaining("overcloud.roles.Compute.count: Compute needs 2 node(s) tagged profile:compute but the lab has 1 (compute1): 1 short")]);
    const noExisting = classroomWith((t) => t.replace("    compute1: { profile: compute }\n", ""));
    expect(problemsOfRefused(loadLab, noExisting)).toEqual([expect.stringContaining("Compute needs 2 node(s) tagged profile:compute but the lab has 1 (compute2): 1 short")]);
  });

  test("no tagged-node check when the lab does not deploy the overcloud", () => {
    const file = classroomWith((t) => t.replace("Compute: { count: 2,", "Compute: { count: 9,").replace("  deployTimeoutMinutes: 90", "  deployTimeoutMinutes: 90\n  deploy: false"));
    expect(loadLab(file).overcloud.roles.Compute.count).toBe(9);
  });

  test("a node listed both in the node file and in existingNodes is refused", () => {
    const file = classroomWith((t) => t.replace("    ceph: { profile: ceph-storage }", "    ceph: { profile: ceph-storage }\n    compute2: { profile: compute }"));
    expect(problemsOfRefused(loadLab, file)).toEqual([expect.stringContaining("baremetal.existingNodes.compute2: is also a node of instackenv-onenode.json; list a node in one place only")]);
  });

  test("a removed node whose compute host stays in computeHosts, or named twice, is refused", () => {
    const file = classroomWith((t) =>
      t.replace(
        "Compute: { count: 2, flavor: compute, profile: compute }",
        "Compute:\n      count: 1\n      flavor: compute\n      profile: compute\n      remove:\n" +
          "        - { hostname: overcloud-novacompute-1, computeHost: overcloud-novacompute-1.localdomain }\n" +
          "        - { hostname: overcloud-novacompute-1 }",
      ),
    );
    const problems = problemsOfRefused(loadLab, file);
    expect(problems).toHaveLength(2);
    expect(problems.join("\n")).toContain("overcloud.roles.Compute.remove.0.computeHost: leaves the overcloud, so it cannot stay in overcloud.computeHosts");
    expect(problems.join("\n")).toContain('overcloud.roles.Compute.remove.1.hostname: names "overcloud-novacompute-1" a second time');
  });

  test("a role the legacy-flags dialect has no flags for is refused at load, naming the field and the way out", () => {
    const file = classroomWith((t) => t.replace("    CephStorage: { count: 1, flavor: ceph-storage, profile: ceph-storage }", "    CephStorage: { count: 1, flavor: ceph-storage, profile: ceph-storage }\n    Networker: { count: 0, flavor: networker, profile: networker }"));
    expect(problemsOfRefused(loadLab, file)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:\\d+:\\d+: overcloud\\.roles\\.Networker: the legacy-flags dialect has no --\\*-scale flag for this role \\(it knows Controller, Compute, CephStorage, BlockStorage, ObjectStorage\\); use dialect parameter-defaults or node-provision$`)),
    ]);
    expect(loadLab(classroomWith((t) => t.replace("dialect: legacy-flags", "dialect: parameter-defaults").replace("    CephStorage: { count: 1, flavor: ceph-storage, profile: ceph-storage }", "    CephStorage: { count: 1, flavor: ceph-storage, profile: ceph-storage }\n    Networker: { count: 0, flavor: networker, profile: networker }"))).overcloud.roles.Networker.count).toBe(0);
  });

  test("YAML syntax errors name the line", () => {
    const file = classroomWith((t) => t.replace("name: lab\n", "name: lab\n  bad: [\n"));
    expect(problemsOfRefused(loadLab, file)[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: `));
  });

  test("duplicate keys are refused rather than one silently winning", () => {
    const file = classroomWith((t) => t.replace("name: lab\n", "name: lab\nname: other\n"));
    expect(problemsOfRefused(loadLab, file)[0]).toContain(file);
  });

  test("a missing lab file names the path", () => {
    expect(problemsOfRefused(loadLab, "/nonexistent/lab.yaml")[0]).toContain("/nonexistent/lab.yaml: does not exist");
  });
});

describe("GIVEN the mistakes a new user makes first", () => {
  /** The one problem `edit` makes, with the file's own path replaced by FILE. */
  const onlyProblem = (edit: (text: string) => string): string => {
    const file = classroomWith(edit);
    const problems = problemsOfRefused(loadLab, file);
    expect(problems).toHaveLength(1);
    return problems[0].split(file).join("FILE");
  };
  const ZOD_WORDS = /Invalid input|received undefined|expected (string|number)|Too small|Unrecognized key|Invalid option/;

  test("WHEN a required field is missing THEN one labcdk sentence with file, line and the field", () => {
    const problem = onlyProblem((t) => t.replace("name: lab\n", ""));
    expect(problem).toBe("FILE:1:1: name: is missing; add it (text)");
    expect(problem).not.toMatch(ZOD_WORDS);
  });

  test("WHEN a number is written as a word THEN it says what it must be, with the value", () => {
    const problem = onlyProblem((t) => t.replace("Controller: { count: 1,", 'Controller: { count: "one",'));
    expect(problem).toMatch(/^FILE:\d+:\d+: overcloud\.roles\.Controller\.count: must be a number, not text \(got "one"\)$/);
  });

  test("WHEN a number is quoted THEN it says to remove the quotes", () => {
    expect(onlyProblem((t) => t.replace("deployTimeoutMinutes: 90", 'deployTimeoutMinutes: "90"'))).toMatch(/deployTimeoutMinutes: must be a number, not text: remove the quotes \(got "90"\)$/);
  });

  test("WHEN the node file is missing THEN the lab file's line that names it is given", () => {
    const problem = onlyProblem((t) => t.replace("nodeFile: instackenv-onenode.json", "nodeFile: nodes-missing.json"));
    expect(problem).toMatch(/^FILE:12:3: baremetal\.nodeFile: names "nodes-missing\.json" \(.*\/nodes-missing\.json\), which does not exist; correct the path/);
    expect(problem).not.toMatch(/ENOENT|stat/);
  });

  test("WHEN the node file is a folder THEN it says so in words, not EISDIR", () => {
    const problem = onlyProblem((t) => t.replace("nodeFile: instackenv-onenode.json", "nodeFile: ."));
    expect(problem).toMatch(/^FILE:12:3: baremetal\.nodeFile: names "\." \(.*\), which is a folder, not a node file \(JSON\)/);
    expect(problem).not.toContain("EISDIR");
  });

  test("WHEN a field is mistyped THEN did-you-mean names the field meant", () => {
    expect(onlyProblem((t) => t.replace("deployTimeoutMinutes", "deployTimeoutMinute"))).toBe('FILE:46:3: overcloud.deployTimeoutMinute: is not a known field; did you mean "deployTimeoutMinutes"?');
  });

  test("WHEN a choice is mistyped THEN did-you-mean names the choice meant", () => {
    expect(onlyProblem((t) => t.replace("kind: cold }", "kind: clod }"))).toMatch(/migration\.kind: must be one of cold, live, block-live \(got "clod"\); did you mean "cold"\?$/);
  });

  test("WHEN a host is mistyped THEN did-you-mean names the host meant", () => {
    expect(onlyProblem((t) => t.replace("    host: overcloud-novacompute-0.localdomain", "    host: overcloud-novacompute-0.localdomian"))).toContain('did you mean "overcloud-novacompute-0.localdomain"?');
  });

  test("WHEN a field is nothing like a known one THEN the fields known there are listed", () => {
    expect(onlyProblem((t) => t.replace("  deployTimeoutMinutes: 90", "  deployTimeoutMinutes: 90\n  zzz: 1"))).toMatch(/overcloud\.zzz: is not a known field \(known here: stackName, dialect, .*deployTimeoutMinutes/);
  });
});

describe("GIVEN keys and values that could forge or split an output line", () => {
  // C0 controls (newline, ESC), the Unicode line separator and a right-to-left override.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const RAW = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202e]/;

  test("WHEN a key holds a newline and an ANSI escape THEN the problem is one line, the key escaped", () => {
    const file = classroomWith((t) => t.replace("name: lab\n", 'name: lab\n"evil\\n[ok] \\e[32mkey": 1\n'));
    const [problem, ...more] = problemsOfRefused(loadLab, file);
    expect(more).toEqual([]);
    expect(problem).not.toMatch(RAW);
    expect(problem).toContain('"evil\\n[ok] \\u001b[32mkey": is not a known field');
  });

  test("WHEN a value holds a line separator and a right-to-left override THEN both are shown as escapes", () => {
    const file = classroomWith((t) => t.replace("    host: overcloud-novacompute-0.localdomain", '    host: "compute\\u2028[ok] \\u202Eevil"'));
    const problems = problemsOfRefused(loadLab, file);
    for (const problem of problems) expect(problem).not.toMatch(RAW);
    expect(problems.join("\n")).toContain("\\u2028[ok] \\u202eevil");
  });

  test("WHEN a value is very long THEN it is shortened", () => {
    const file = classroomWith((t) => t.replace("    host: overcloud-novacompute-0.localdomain", `    host: ${"x".repeat(5000)}`));
    for (const problem of problemsOfRefused(loadLab, file)) expect(problem.length).toBeLessThan(800);
  });
});
