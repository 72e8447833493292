/**
 * The overcloud stack of the test-bed lab applied by OpenTofu with the real
 * provider against real Nova, Neutron and Placement: the instance boots
 * pinned to compute-0 with a floating IP from lab_pubnet, then moves to
 * compute-1 as the lab says (cold migration, capacity checked, confirmed);
 * a second plan is empty; the migration script refuses a disabled or full
 * target without touching the instance; destroy leaves nothing behind.
 *
 * The refused targets are compute-5, this file's alone (testbed/README.md):
 * disabling or filling a host the other test files move instances to would
 * make their moves fail (seen in CI: drift.test.ts's move to compute-0 was
 * refused while this file held compute-0 full).
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { TESTBED_LAB } from "../helpers/synth";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, serverAfterDelete, stackOnTestbed, testbedEnv } from "../helpers/testbed";
import { tofu } from "../helpers/tofu";

const MIGRATE = path.join(projectRoot(), "scripts", "migrate-instance.sh");
/** The host the refusal checks disable and fill: no other test file uses it. */
const REFUSING = "compute-5";

describeWithTestbed("overcloud stack on the test bed", () => {
  const { dir, run } = stackOnTestbed(TESTBED_LAB, "testbed-overcloud");
  const host = () => openstack("overcloud", ["server", "show", serverId])["OS-EXT-SRV-ATTR:host"];
  const migrate = (targetHost: string, kind = "cold") =>
    spawnSync("bash", [MIGRATE], {
      encoding: "utf8",
      env: { ...process.env, ...testbedEnv, OS_CLOUD: "overcloud", INSTANCE_ID: serverId, TARGET_HOST: targetHost, MIGRATION_KIND: kind, POLL_SECONDS: "2", TIMEOUT_SECONDS: "300" },
    });
  let serverId = "";
  let floatingIpId = "";

  afterAll(() => {
    try {
      openstackAction("overcloud", ["compute", "service", "set", "--enable", REFUSING, "nova-compute"]);
    } catch {
      // the test that disables it re-enables it too
    }
  });

  test("apply: lab_test-nodes boots on compute-0 with a floating IP from lab_pubnet, then lives on compute-1", () => {
    const apply = run(["apply", "-auto-approve"]);
    expect(apply.stdout).toContain("check ran: API only (floating IP bound to the instance's port, instance ACTIVE); no ICMP was sent");
    expect(apply.stdout).toMatch(/lab_test-nodes: compute-0 → compute-1 \(cold\)/);
    expect(apply.stdout).toMatch(/target compute-1 free: \d+ VCPU, \d+ MB RAM, \d+ GB disk; flavor needs 2 VCPU, 1024 MB, 11 GB/);
    const server = openstack("overcloud", ["server", "show", "lab_test-nodes"]);
    serverId = server.id;
    expect(server.status).toBe("ACTIVE");
    expect(server["OS-EXT-SRV-ATTR:host"]).toBe("compute-1");

    const migrations = openstack("overcloud", ["--os-compute-api-version", "2.59", "server", "migration", "list", "--server", server.id]);
    expect(migrations).toEqual([expect.objectContaining({ "Source Compute": "compute-0", "Dest Compute": "compute-1", Status: "confirmed" })]);

    const ports = openstack("overcloud", ["port", "list", "--device-id", server.id]);
    expect(ports).toHaveLength(1);
    const fips = openstack("overcloud", ["floating", "ip", "list", "--port", ports[0].ID]);
    expect(fips).toHaveLength(1);
    floatingIpId = fips[0].ID;
    expect(fips[0]["Floating Network"]).toBe(openstack("overcloud", ["network", "show", "lab_pubnet"]).id);

    const outputs = JSON.parse(tofu(dir, ["output", "-json", "-no-color"], testbedEnv).stdout);
    const byName = (suffix: string) => Object.entries(outputs).find(([k]) => k.includes(suffix))?.[1] as { value: string };
    expect(byName("FloatingIpAddress").value).toBe(fips[0]["Floating IP Address"]);
    expect(byName("FixedIp").value).toBe(ports[0]["Fixed IP Addresses"][0].ip_address);
  });

  test("a second plan after the migration shows no changes: nothing is replaced", () => {
    const plan = run(["plan", "-detailed-exitcode"]);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain("No changes.");
  });

  test("migrating to the host it is on is a no-op", () => {
    const result = migrate("compute-1");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("lab_test-nodes is already on compute-1; nothing to do");
  });

  test("a disabled target is refused before anything moves", () => {
    openstackAction("overcloud", ["compute", "service", "set", "--disable", REFUSING, "nova-compute"]);
    try {
      const result = migrate(REFUSING);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`target ${REFUSING} nova-compute is disabled/up (must be enabled/up); nothing moved`);
      expect(host()).toBe("compute-1");
    } finally {
      openstackAction("overcloud", ["compute", "service", "set", "--enable", REFUSING, "nova-compute"]);
    }
  });

  test("a target without room for the flavor is refused with the numbers, before anything moves", () => {
    // Take all but 512 MB of the host's memory with Placement allocations of our own (one allocation
    // may not exceed max_unit: as many consumers as that needs). Each consumer is recorded before its
    // allocation is set, so that a failure half-way still frees what was taken.
    const provider = openstack("overcloud", ["resource", "provider", "list", "--name", REFUSING])[0].uuid;
    const consumers: string[] = [];
    let result: ReturnType<typeof migrate>;
    try {
      const inventory = openstack("overcloud", ["resource", "provider", "inventory", "show", provider, "MEMORY_MB"]);
      const usage = openstack("overcloud", ["resource", "provider", "usage", "show", provider]).find((u: any) => u.resource_class === "MEMORY_MB").usage;
      const capacity = Math.floor(inventory.total * inventory.allocation_ratio) - inventory.reserved;
      for (let left = capacity - usage - 512; left > 0; left -= inventory.max_unit) {
        const consumer = randomUUID();
        consumers.push(consumer);
        openstackAction("overcloud", ["resource", "provider", "allocation", "set", consumer, "--project-id", randomUUID(), "--user-id", randomUUID(), "--allocation", `rp=${provider},MEMORY_MB=${Math.min(left, inventory.max_unit)}`]);
      }
      result = migrate(REFUSING);
    } finally {
      for (const consumer of consumers) openstackAction("overcloud", ["resource", "provider", "allocation", "delete", consumer]);
    }
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`target ${REFUSING} free: \\d+ VCPU, 512 MB RAM`));
    expect(result.stderr).toMatch(new RegExp(`target ${REFUSING} lacks room for lab_test-nodes \\(free \\d+ VCPU / 512 MB / \\d+ GB, needs 2 / 1024 / 11\\); nothing moved`));
    expect(host()).toBe("compute-1");
  });

  test("and back: cold migration compute-1 → compute-0, confirmed, floating IP still on the port", () => {
    const result = migrate("compute-0");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("now on compute-0, migration confirmed");
    expect(result.stdout).toMatch(/floating IP [\d.]+ still on port/);
    expect(host()).toBe("compute-0");
  });

  test("live migration compute-0 → compute-1: completed, on the target, floating IP still on the port", () => {
    const result = migrate("compute-1", "live");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("lab_test-nodes: compute-0 → compute-1 (live)");
    expect(result.stdout).toContain("now on compute-1, migration completed");
    expect(host()).toBe("compute-1");
    const live = openstack("overcloud", ["--os-compute-api-version", "2.59", "server", "migration", "list", "--server", serverId]).filter((m: any) => m.Type === "live-migration");
    expect(live).toEqual([expect.objectContaining({ "Source Compute": "compute-0", "Dest Compute": "compute-1", Status: "completed" })]);
  });

  test("destroy leaves no server, port or floating IP behind", () => {
    expect(serverId).not.toBe("");
    run(["destroy", "-auto-approve"]);
    expect(serverAfterDelete("overcloud", serverId)).toBeUndefined();
    expect(openstack("overcloud", ["port", "list", "--device-id", serverId])).toEqual([]);
    expect(openstackMaybe("overcloud", ["floating", "ip", "show", floatingIpId])).toBeUndefined();
  });
});
