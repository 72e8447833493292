/**
 * `labcdk import`'s mapping of an inventory (scripts/lib/inventory.py's
 * document) onto the lab file, node file and password template: pure, no
 * cloud. The run against the test bed is __tests__/integration/import.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ImportError, Inventory, InventoryNode, InventoryServer, labFromInventory, writeImport } from "../../cli/import";
import { loadLab } from "../../lab";
import { writeFiles } from "../helpers/files";

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function node(name: string, over: Partial<InventoryNode> = {}): InventoryNode {
  return {
    uuid: ID(100 + name.length),
    name,
    driver: "ipmi",
    driverInfo: { ipmi_address: "127.0.0.9", ipmi_username: "admin", ipmi_port: 6230, deploy_kernel: ID(1), deploy_ramdisk: ID(2) },
    provisionState: "available",
    maintenance: false,
    instanceUuid: null,
    resourceClass: "baremetal",
    conductorGroup: null,
    extra: {},
    interfaces: { boot_interface: "ipxe" },
    properties: { cpus: "2", memory_mb: "6144", local_gb: "39", cpu_arch: "x86_64" },
    capabilities: { profile: "compute", boot_option: "local" },
    ports: [{ address: "52:54:00:00:00:0A", physicalNetwork: "ctlplane", localLinkConnection: null }],
    ...over,
  };
}

function server(name: string, over: Partial<InventoryServer> = {}): InventoryServer {
  return {
    id: ID(10),
    name,
    status: "ACTIVE",
    host: "compute-0",
    availabilityZone: "nova",
    imageId: ID(20),
    image: "small",
    flavor: "m2.small",
    ports: [{ id: ID(11), name: "", networkId: ID(30), securityGroupIds: [ID(40)], floatingIps: [{ id: ID(12), address: "127.200.0.51", networkId: ID(31) }] }],
    ...over,
  };
}

const RULE = { direction: "ingress", ethertype: "IPv4", port_range_min: null, port_range_max: null, remote_group_id: null };

function inventory(over: Partial<Inventory> = {}): Inventory {
  return {
    clouds: { undercloud: "undercloud", overcloud: "overcloud" },
    readAt: "2026-12-02T00:00:00Z",
    nodes: [node("compute2")],
    missingNodes: [],
    deployImages: { [ID(1)]: "bm-deploy-kernel", [ID(2)]: "bm-deploy-ramdisk" },
    computeHosts: ["compute-0", "compute-1"],
    networks: [
      { id: ID(30), name: "lab_privnet", external: false, subnets: [ID(32)] },
      { id: ID(31), name: "lab_pubnet", external: true, subnets: [ID(33)] },
    ],
    subnets: [
      { id: ID(32), name: "lab_privsub", network_id: ID(30), cidr: "127.201.0.0/24", ip_version: 4, enable_dhcp: false, ipv6_address_mode: null },
      { id: ID(33), name: "lab_pubsub", network_id: ID(31), cidr: "127.200.0.0/24", ip_version: 4, enable_dhcp: false, ipv6_address_mode: null },
    ],
    routers: [{ id: ID(50), name: "lab_router", externalNetworkId: ID(31), subnetIds: [ID(32)] }],
    securityGroups: [{ id: ID(40), name: "labgroup", rules: [{ ...RULE, id: ID(41), protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" }] }],
    flavors: [{ id: "f1", name: "m2.small", vcpus: 2, ram: 1024, disk: 10, swap: 1024 }],
    servers: [server("lab_test-nodes")],
    missingServers: [],
    ...over,
  };
}

const OPTIONS = { labName: "adopted", clouds: { undercloud: "undercloud", overcloud: "overcloud" }, reachabilityCheck: "api" as const };

describe("labcdk import: an inventory becomes a lab", () => {
  test("GIVEN the runbook's lab WHEN imported THEN the instance is adopted with its server, port and floating IP ids, pinned to its host", () => {
    const { lab } = labFromInventory(inventory(), OPTIONS);
    expect(lab.instances).toEqual({
      "lab_test-nodes": {
        image: "small",
        flavor: "m2.small",
        network: "lab_privnet",
        availabilityZone: "nova",
        host: "compute-0",
        floatingIp: { pool: "lab_pubnet", address: "127.200.0.51" },
        reachabilityCheck: "api",
        adopt: { serverId: ID(10), portId: ID(11), floatingIpId: ID(12) },
      },
    });
    expect(lab.networks.lab_privnet).toEqual({ subnet: "lab_privsub", cidr: "127.201.0.0/24", create: false, dhcp: false, external: false });
    expect(lab.networks.lab_pubnet).toMatchObject({ external: true, create: false });
    expect(lab.flavors).toEqual({ "m2.small": { vcpus: 2, ramMb: 1024, diskGb: 10, swapMb: 1024, create: false } });
    expect(lab.securityGroup).toEqual({ name: "labgroup", allowIcmp: true, allowSsh: false, adopt: { icmpRuleId: ID(41) } });
    expect(lab.overcloud).toMatchObject({ deploy: false, computeHosts: ["compute-0", "compute-1"] });
  });

  test("GIVEN an available ipmi node WHEN imported THEN the node file has its BMC, ports, properties and capabilities, no password, and says where passwords come from", () => {
    const { lab, nodeFile, passwordTemplate } = labFromInventory(inventory(), OPTIONS);
    expect(nodeFile.bmc_passwords).toBe("apply-time");
    expect(nodeFile.nodes).toEqual([
      {
        name: "compute2",
        pm_type: "ipmi",
        pm_addr: "127.0.0.9",
        pm_user: "admin",
        pm_port: 6230,
        ports: [{ address: "52:54:00:00:00:0a", physical_network: "ctlplane" }],
        cpu: 2,
        memory: 6144,
        disk: 39,
        arch: "x86_64",
        capabilities: { profile: "compute", boot_option: "local" },
        resource_class: "baremetal",
        boot_interface: "ipxe",
      },
    ]);
    expect(JSON.stringify(nodeFile)).not.toMatch(/password"\s*:|pm_password/);
    expect(passwordTemplate).toEqual({ compute2: "" });
    expect(lab.baremetal).toMatchObject({ deployKernelImage: "bm-deploy-kernel", deployRamdiskImage: "bm-deploy-ramdisk", nodes: { compute2: { capabilities: { profile: "compute" } } }, existingNodes: {} });
  });

  test("GIVEN a manageable and an active node WHEN imported THEN the manageable one is registered (and its provide named), the active one an existing node by its profile", () => {
    const { lab, nodeFile, firstApply } = labFromInventory(inventory({ nodes: [node("spare", { provisionState: "manageable" }), node("ctrl", { provisionState: "active", capabilities: { profile: "control" } })] }), OPTIONS);
    expect(nodeFile.nodes.map((n) => n.name)).toEqual(["spare"]);
    expect(lab.baremetal.existingNodes).toEqual({ ctrl: { profile: "control" } });
    expect(firstApply).toContainEqual(expect.stringContaining('node "spare": manageable: the first apply inspects it if it was never inspected, and provides it'));
  });

  test("GIVEN what cannot be adopted WHEN imported THEN each is named with its reason, none silently dropped", () => {
    const { notAdopted } = labFromInventory(
      inventory({
        nodes: [node("broken", { provisionState: "inspect failed" }), node("inmaint", { maintenance: true }), node("odd", { driver: "snmp" }), node("deployed", { provisionState: "active", capabilities: {} })],
        missingNodes: ["ghost"],
        servers: [server("two-ports", { ports: [...server("x").ports, { ...server("x").ports[0], id: ID(13) }] }), server("stopped", { status: "SHUTOFF" }), server("volume", { image: null, imageId: null })],
        missingServers: ["vanished"],
        securityGroups: [{ id: ID(40), name: "labgroup", rules: [{ ...RULE, id: ID(42), protocol: "icmp", remote_ip_prefix: null }] }],
      }),
      OPTIONS,
    );
    expect(notAdopted).toEqual(
      expect.arrayContaining([
        'node "ghost": not adopted: no Ironic node has this name',
        'instance "vanished": not adopted: no Nova server of the project has this name',
        expect.stringMatching(/^node "broken": not adopted: it is in inspect failed/),
        expect.stringMatching(/^node "inmaint": not adopted: it is in maintenance/),
        expect.stringMatching(/^node "odd": not adopted: its driver snmp/),
        expect.stringMatching(/^node "deployed": not adopted: it is deployed \(active\) but has no profile/),
        'instance "two-ports": not adopted: it has 2 ports; the lab gives an instance one port',
        expect.stringMatching(/^instance "stopped": not adopted: it is SHUTOFF/),
        'instance "volume": not adopted: it boots from a volume; the lab boots instances from images',
        expect.stringMatching(/^ICMP rule 00000000-0000-4000-8000-000000000042 of group labgroup: not adopted: .*IPv4 from anywhere \(no prefix\).*allowIcmp: false/),
      ]),
    );
    expect(notAdopted).toHaveLength(10);
  });

  test("GIVEN a disabled compute host THEN it is left out of computeHosts and named, and an instance on it is not adopted", () => {
    const { lab, notAdopted } = labFromInventory(
      inventory({ computeServices: [{ host: "compute-0", status: "disabled", state: "up" }, { host: "compute-1", status: "enabled", state: "up" }] }),
      OPTIONS,
    );
    expect(lab.overcloud.computeHosts).toEqual(["compute-1"]);
    expect(notAdopted).toEqual(
      expect.arrayContaining([
        'compute host "compute-0": not adopted: its nova-compute is disabled/up; a lab\'s compute hosts are enabled and up (verify checks it); enable it and import again',
        'instance "lab_test-nodes": not adopted: its host compute-0 is not an enabled, up nova-compute host of the overcloud',
      ]),
    );
  });

  test("GIVEN a router joining the lab's networks THEN it is named as not adopted (routers are created by a lab)", () => {
    expect(labFromInventory(inventory(), OPTIONS).notAdopted).toEqual([expect.stringMatching(/^router "lab_router": not adopted: a lab's routers are ones it creates/)]);
  });

  test("GIVEN a Nova-made port and unsorted capabilities THEN the first apply's renaming and sorting are said", () => {
    const { firstApply } = labFromInventory(inventory(), OPTIONS);
    expect(firstApply).toContainEqual(`instance "lab_test-nodes": its port ${ID(11)} is renamed lab_test-nodes-port (was ""), in place`);
    expect(firstApply).toContainEqual('node "compute2": its capabilities are rewritten sorted by key (boot_option:local,profile:compute), the same set, as TripleO writes them');
  });

  test("the written lab validates (lab validate), and import never overwrites a lab", () => {
    const dir = path.join(writeFiles({}), "lab");
    const written = writeImport(dir, labFromInventory(inventory(), OPTIONS));
    expect(written.map((f) => path.basename(f))).toEqual(["lab.yaml", "nodes.json", "bmc-passwords.template.json"]);
    const lab = loadLab(written[0]);
    expect(lab.instances["lab_test-nodes"].adopt).toEqual({ serverId: ID(10), portId: ID(11), floatingIpId: ID(12) });
    expect(lab.nodes.map((n) => n.name)).toEqual(["compute2"]);
    expect(JSON.parse(fs.readFileSync(written[2], "utf8"))).toEqual({ compute2: "" });
    expect(() => writeImport(dir, labFromInventory(inventory(), OPTIONS))).toThrow(ImportError);
  });
});
