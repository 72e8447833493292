/**
 * `labcdk verify`'s comparison, on hand-written observed state (no cloud):
 * the all-ok case and each kind of difference, named; and the observation
 * script's refusals (bad input, a cloud that cannot be reached → exit 2).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Check, compareLab, exitCodeOf, formatTable, OBSERVE_SCRIPT, ObservedInstance, ObservedNode, ObservedState, sdkPython } from "../../cli/verify";
import { ExpectedState, loadLab, resolveLab } from "../../lab";
import { projectRoot } from "../../lab/project-root";

const TESTBED_LAB = path.join(projectRoot(), "labs", "testbed", "lab.yaml");
const CLASSROOM_LAB = path.join(projectRoot(), "labs", "classroom", "lab.yaml");

const node: ObservedNode = {
  uuid: "0b9c-node",
  provisionState: "available",
  powerState: "power off",
  maintenance: false,
  maintenanceReason: null,
  instanceUuid: null,
  properties: { cpus: 2, memory_mb: 6144, local_gb: 40, cpu_arch: "x86_64" },
  capabilities: { profile: "compute", boot_option: "local", extra: "yes" },
};
const instance: ObservedInstance = {
  id: "3f1e-server",
  count: 1,
  status: "ACTIVE",
  host: "compute-1",
  floatingIps: ["127.200.0.51"],
  migrations: [{ source: "compute-0", dest: "compute-1", status: "confirmed", type: "migration", createdAt: "2026-01-01T00:00:00" }],
};
const host = (name: string) => ({ service: { status: "enabled", state: "up", disabledReason: null }, hypervisor: { hostname: name, state: "up", status: "enabled" } });

/** Observed state matching the test-bed lab exactly. */
function allOk(overrides: Partial<{ nodes: ObservedState["nodes"]; computeHosts: ObservedState["computeHosts"]; instances: ObservedState["instances"]; heatStack: ObservedState["heatStack"] }> = {}): ObservedState {
  return {
    version: 1,
    observedAt: "2026-01-01T00:00:00Z",
    clouds: { undercloud: "undercloud", overcloud: "overcloud" },
    nodes: { compute2: node },
    computeHosts: { "compute-0": host("compute-0"), "compute-1": host("compute-1") },
    heatStack: null,
    instances: { "lab_test-nodes": instance },
    ...overrides,
  };
}

const diffs = (checks: Check[]) => checks.filter((c) => c.result === "DIFF");

describe("labcdk verify: comparison", () => {
  const expected = resolveLab(loadLab(TESTBED_LAB)).expected;

  test("the expected state of the test-bed lab: merged capabilities, the migration target as the host", () => {
    expect(expected.nodes).toEqual([{ name: "compute2", capabilities: { profile: "compute", boot_option: "local" }, properties: { cpus: 2, memory_mb: 6144, local_gb: 40, cpu_arch: "x86_64" } }]);
    expect(expected.computeHosts).toEqual(["compute-0", "compute-1"]);
    expect(expected.heatStack).toBeUndefined(); // overcloud.deploy: false
    expect(expected.instances).toEqual([{ name: "lab_test-nodes", host: "compute-1", floatingIp: { address: undefined }, migration: { from: "compute-0", to: "compute-1" } }]);
  });

  test("all ok: every check ok, exit 0", () => {
    const checks = compareLab(expected, allOk());
    expect(diffs(checks)).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual([
      "node.exists",
      "node.provision_state",
      "node.maintenance",
      "node.capabilities",
      "node.properties.cpus",
      "node.properties.memory_mb",
      "node.properties.local_gb",
      "node.properties.cpu_arch",
      "compute.service",
      "compute.hypervisor",
      "compute.service",
      "compute.hypervisor",
      "instance.exists",
      "instance.status",
      "instance.host",
      "instance.floating_ip",
      "migration",
    ]);
    expect(exitCodeOf(checks)).toBe(0);
    expect(formatTable(checks)).toContain("all 17 check(s) ok");
  });

  test("an active node, string-valued properties (older Ironic) and local_gb 1 GiB under the file (introspection) are ok", () => {
    const checks = compareLab(expected, allOk({ nodes: { compute2: { ...node, provisionState: "active", properties: { cpus: "2", memory_mb: "6144", local_gb: "39", cpu_arch: "x86_64" } } } }));
    expect(diffs(checks)).toEqual([]);
  });

  const cases: [string, ObservedState, Partial<Check>[]][] = [
    ["node absent (nothing else checked for it)", allOk({ nodes: { compute2: null } }), [{ check: "node.exists", subject: "compute2", observed: "absent" }]],
    ["node in a wrong provision state", allOk({ nodes: { compute2: { ...node, provisionState: "manageable" } } }), [{ check: "node.provision_state", expected: "available or active", observed: "manageable" }]],
    ["node in maintenance, with its reason", allOk({ nodes: { compute2: { ...node, maintenance: true, maintenanceReason: "disk swap" } } }), [{ check: "node.maintenance", expected: "off", observed: "on (disk swap)" }]],
    [
      "node capabilities without the lab's profile",
      allOk({ nodes: { compute2: { ...node, capabilities: { profile: "control", boot_option: "local" } } } }),
      [{ check: "node.capabilities", expected: "includes profile:compute,boot_option:local", observed: "profile:control,boot_option:local" }],
    ],
    [
      "node properties differ from the node file (and one unset)",
      allOk({ nodes: { compute2: { ...node, properties: { cpus: 2, memory_mb: 6144, local_gb: 38, cpu_arch: null } } } }),
      [
        { check: "node.properties.local_gb", expected: "40 (or 39, as introspection reports it)", observed: "38" },
        { check: "node.properties.cpu_arch", expected: "x86_64", observed: "(unset)" },
      ],
    ],
    [
      "compute service disabled and down, with its reason",
      allOk({ computeHosts: { "compute-0": { ...host("compute-0"), service: { status: "disabled", state: "down", disabledReason: "drain" } }, "compute-1": host("compute-1") } }),
      [{ check: "compute.service", subject: "compute-0", observed: "nova-compute disabled, down (drain)" }],
    ],
    [
      "compute host unknown to Nova: no service, no hypervisor",
      allOk({ computeHosts: { "compute-0": host("compute-0"), "compute-1": { service: null, hypervisor: null } } }),
      [
        { check: "compute.service", subject: "compute-1", observed: "no nova-compute service" },
        { check: "compute.hypervisor", subject: "compute-1", observed: "none" },
      ],
    ],
    ["instance absent (nothing else checked for it)", allOk({ instances: { "lab_test-nodes": null } }), [{ check: "instance.exists", subject: "lab_test-nodes", observed: "absent" }]],
    ["two servers with the instance's name", allOk({ instances: { "lab_test-nodes": { ...instance, count: 2 } } }), [{ check: "instance.exists", observed: "2 servers with this name" }]],
    ["instance not ACTIVE", allOk({ instances: { "lab_test-nodes": { ...instance, status: "VERIFY_RESIZE" } } }), [{ check: "instance.status", expected: "ACTIVE", observed: "VERIFY_RESIZE" }]],
    [
      "instance on the wrong host, its migration record to the target missing",
      allOk({ instances: { "lab_test-nodes": { ...instance, host: "compute-0", migrations: [] } } }),
      [
        { check: "instance.host", expected: "compute-1", observed: "compute-0" },
        { check: "migration", expected: "compute-0→compute-1 confirmed or completed", observed: "no migration record" },
      ],
    ],
    ["instance without a floating IP", allOk({ instances: { "lab_test-nodes": { ...instance, floatingIps: [] } } }), [{ check: "instance.floating_ip", expected: "a floating IP", observed: "none" }]],
    [
      "migration record not confirmed",
      allOk({ instances: { "lab_test-nodes": { ...instance, migrations: [{ source: "compute-0", dest: "compute-1", status: "error" }] } } }),
      [{ check: "migration", observed: "compute-0→compute-1 error" }],
    ],
    [
      "only a migration record the other way",
      allOk({ instances: { "lab_test-nodes": { ...instance, migrations: [{ source: "compute-1", dest: "compute-0", status: "confirmed" }] } } }),
      [{ check: "migration", observed: "none compute-0→compute-1 (others: compute-1→compute-0 confirmed)" }],
    ],
  ];

  test.each(cases)("%s: named, exit 1", (_name, observed, wanted) => {
    const checks = compareLab(expected, observed);
    expect(diffs(checks)).toEqual(wanted.map((w) => expect.objectContaining({ ...w, result: "DIFF" })));
    expect(exitCodeOf(checks)).toBe(1);
    const table = formatTable(checks);
    expect(table).toMatch(new RegExp(`${wanted.length} difference\\(s\\) of \\d+ check\\(s\\): ${wanted[0].check!.replace(/\./g, "\\.")}`));
  });

  test("a pre-allocated floating address must be the one associated", () => {
    const withAddress: ExpectedState = { ...expected, instances: [{ ...expected.instances[0], floatingIp: { address: "127.200.0.51" } }] };
    expect(diffs(compareLab(withAddress, allOk()))).toEqual([]);
    const other = allOk({ instances: { "lab_test-nodes": { ...instance, floatingIps: ["127.200.0.99"] } } });
    expect(diffs(compareLab(withAddress, other))).toEqual([expect.objectContaining({ check: "instance.floating_ip", expected: "127.200.0.51", observed: "127.200.0.99" })]);
  });

  test("an instance without a migration is expected on its pinned host, with no migration check", () => {
    const pinned: ExpectedState = { ...expected, instances: [{ name: "lab_test-nodes", host: "compute-0" }] };
    const checks = compareLab(pinned, allOk({ instances: { "lab_test-nodes": { ...instance, host: "compute-0", floatingIps: [], migrations: [] } } }));
    expect(diffs(checks)).toEqual([]);
    expect(checks.map((c) => c.check)).not.toContain("migration");
    expect(checks.map((c) => c.check)).not.toContain("instance.floating_ip");
  });

  describe("the Heat stack, when the lab deploys the overcloud (classroom lab)", () => {
    const classroom = resolveLab(loadLab(CLASSROOM_LAB)).expected;
    const base = (heatStack: ObservedState["heatStack"]): ObservedState => ({ ...allOk(), nodes: {}, computeHosts: {}, instances: {}, heatStack });
    const stackCheck = (checks: Check[]) => checks.find((c) => c.check === "overcloud.stack");
    const onlyStack: ExpectedState = { ...classroom, nodes: [], computeHosts: [], instances: [] };

    test("expects the stack of overcloud.stackName", () => expect(classroom.heatStack).toBe("overcloud"));
    test("UPDATE_COMPLETE is ok", () => expect(stackCheck(compareLab(onlyStack, base({ available: true, name: "overcloud", status: "UPDATE_COMPLETE" })))?.result).toBe("ok"));
    test("UPDATE_FAILED and an absent stack are differences", () => {
      expect(stackCheck(compareLab(onlyStack, base({ available: true, name: "overcloud", status: "UPDATE_FAILED" })))).toMatchObject({ result: "DIFF", observed: "UPDATE_FAILED" });
      expect(stackCheck(compareLab(onlyStack, base({ available: true, name: "overcloud", status: null })))).toMatchObject({ result: "DIFF", observed: "absent" });
    });
    test("no Heat on the undercloud: the check is unavailable, not failed; exit 0", () => {
      const checks = compareLab(onlyStack, base({ available: false, reason: "no orchestration (Heat) service in the catalog" }));
      expect(stackCheck(checks)).toMatchObject({ result: "unavailable", observed: "unavailable: no orchestration (Heat) service in the catalog" });
      expect(exitCodeOf(checks)).toBe(0);
      expect(formatTable(checks)).toContain("all 0 check(s) ok, 1 unavailable");
    });
  });
});

describe("scripts/observe-lab.py", () => {
  const python = sdkPython({ ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ""}` });
  const run = (env: NodeJS.ProcessEnv, args: string[] = []) =>
    spawnSync(python ?? "/usr/bin/python3", [OBSERVE_SCRIPT, ...args], { encoding: "utf8", timeout: 60000, env: { PATH: `/usr/bin:${process.env.PATH ?? ""}`, HOME: os.tmpdir(), ...env } });

  test("--help documents the inputs and the output shape", () => {
    const result = run({}, ["--help"]);
    expect(result.status).toBe(0);
    for (const word of ["OBSERVE_NODES", "OBSERVE_COMPUTE_HOSTS", "OBSERVE_INSTANCES", "OBSERVE_HEAT_STACK", "OBSERVE_TIMEOUT_SECONDS", '"computeHosts"', '"migrations"']) expect(result.stdout).toContain(word);
  });

  // That the observers never ask Ironic for driver_info (BMC credentials) is tested on the
  // observation library's requests: __tests__/python/test_observation.py.

  test("bad input: exit 1 naming the variable", () => {
    const result = run({ OBSERVE_NODES: "compute2" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("OBSERVE_NODES is not JSON");
  });

  (python ? test : test.skip)("a cloud that cannot be reached: exit 2 naming the cloud (nothing leaves 127.0.0.1)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-verify-"));
    fs.writeFileSync(
      path.join(dir, "clouds.yaml"),
      "clouds:\n  lab-under:\n    auth: { auth_url: 'http://127.0.0.1:9/v3', username: u, password: p, project_name: p, user_domain_name: Default, project_domain_name: Default }\n    identity_api_version: 3\n",
    );
    const result = run({ OS_CLIENT_CONFIG_FILE: path.join(dir, "clouds.yaml"), UNDERCLOUD_CLOUD: "lab-under", OBSERVE_NODES: '["compute2"]', OBSERVE_API_TIMEOUT_SECONDS: "5" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("undercloud cloud 'lab-under' cannot be reached");
    expect(result.stdout).toBe("");
  });
});
