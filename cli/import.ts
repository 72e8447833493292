/**
 * `labcdk import`: a lab directory written from a running cloud, so that a
 * lab made by hand is adopted instead of built a second time.
 *
 * `scripts/lib/inventory.py` reads the clouds (read-only, bounded GETs, no
 * password: see its docstring) into one JSON inventory; `labFromInventory` —
 * pure — decides what of it becomes the lab file, the node file and the
 * password template, and names everything it leaves out with the reason.
 * What exists gets `adopt:` ids (lab/schema.ts), so the first plan imports it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { parseCidr } from "../lab/addresses";
import { ARCHITECTURES, BMC_PASSWORDS_APPLY_TIME, HARDWARE_TYPES } from "../lab/instackenv";
import { capabilitiesText } from "../lab/ironic-fields";
import { projectRoot } from "../lab/project-root";
import { REACHABILITY_CHECKS, ReachabilityCheck, SAFE_NAME } from "../lab/schema";
import { ObserveError, sdkPython } from "./verify";

export const INVENTORY_SCRIPT = path.join(projectRoot(), "scripts", "lib", "inventory.py");

/** The document inventory.py prints (see its docstring). */
export interface Inventory {
  readonly clouds: { readonly undercloud: string; readonly overcloud: string };
  readonly readAt: string;
  readonly nodes: readonly InventoryNode[];
  readonly missingNodes: readonly string[];
  /** Undercloud Glance images, id → name (the deploy kernel and ramdisk). */
  readonly deployImages: Readonly<Record<string, string>>;
  readonly computeHosts: readonly string[];
  /** nova-compute services: only hosts enabled and up become the lab's compute hosts (verify wants them so). */
  readonly computeServices?: readonly { readonly host: string; readonly status: string; readonly state: string }[];
  readonly networks: readonly { readonly id: string; readonly name: string; readonly external: boolean; readonly subnets: readonly string[] }[];
  readonly subnets: readonly InventorySubnet[];
  readonly routers: readonly { readonly id: string; readonly name: string; readonly externalNetworkId: string | null; readonly subnetIds: readonly string[] }[];
  readonly securityGroups: readonly { readonly id: string; readonly name: string; readonly rules: readonly InventoryRule[] }[];
  readonly flavors: readonly { readonly id: string; readonly name: string; readonly vcpus: number; readonly ram: number; readonly disk: number; readonly swap: number | string }[];
  readonly servers: readonly InventoryServer[];
  readonly missingServers: readonly string[];
}

export interface InventoryNode {
  readonly uuid: string;
  readonly name: string | null;
  readonly driver: string;
  /** driver_info without passwords (inventory.py drops them). */
  readonly driverInfo: Readonly<Record<string, string | number | boolean | null>>;
  readonly provisionState: string;
  readonly maintenance: boolean;
  readonly instanceUuid: string | null;
  readonly resourceClass: string | null;
  readonly conductorGroup: string | null;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly interfaces: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly capabilities: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly address: string; readonly physicalNetwork: string | null; readonly localLinkConnection: Readonly<Record<string, string>> | null }[];
}

export interface InventorySubnet {
  readonly id: string;
  readonly name: string;
  readonly network_id: string;
  readonly cidr: string;
  readonly ip_version: number;
  readonly enable_dhcp: boolean;
  readonly ipv6_address_mode: string | null;
}

export interface InventoryRule {
  readonly id: string;
  readonly direction: string;
  readonly ethertype: string;
  readonly protocol: string | null;
  readonly port_range_min: number | null;
  readonly port_range_max: number | null;
  readonly remote_ip_prefix: string | null;
  readonly remote_group_id: string | null;
}

export interface InventoryServer {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly host: string | null;
  readonly availabilityZone: string | null;
  readonly imageId: string | null;
  readonly image: string | null;
  readonly flavor: string | null;
  readonly ports: readonly {
    readonly id: string;
    readonly name: string;
    readonly networkId: string;
    readonly securityGroupIds: readonly string[];
    readonly floatingIps: readonly { readonly id: string; readonly address: string; readonly networkId: string }[];
  }[];
}

export interface ImportOptions {
  readonly labName: string;
  /** The clouds.yaml entries. */
  readonly clouds: { readonly undercloud: string; readonly overcloud: string };
  /** How the instances' reachability is checked after a move (the lab's reachabilityCheck). */
  readonly reachabilityCheck: ReachabilityCheck;
}

/** What import writes, and what it says. */
export interface ImportResult {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly lab: Record<string, any>;
  readonly nodeFile: { readonly bmc_passwords: string; readonly nodes: Record<string, unknown>[] };
  /** `LABCDK_BMC_PASSWORD_FILE` template: node name → "" for every node whose driver takes a BMC password. */
  readonly passwordTemplate: Record<string, string>;
  /** Things left out, each with its reason. */
  readonly notAdopted: string[];
  /** What the first apply will still change (in place) although the thing is adopted. */
  readonly firstApply: string[];
}

/** Where each hardware type keeps the BMC in driver_info (the inverse of lab/ironic-fields.ts). */
const BMC_READ: Readonly<Record<string, { address: string[]; user: string[]; port?: string; systemId?: string }>> = {
  ipmi: { address: ["ipmi_address"], user: ["ipmi_username"], port: "ipmi_port" },
  redfish: { address: ["redfish_address"], user: ["redfish_username"], systemId: "redfish_system_id" },
  idrac: { address: ["redfish_address", "drac_address"], user: ["drac_username", "redfish_username"], port: "drac_port", systemId: "redfish_system_id" },
  ilo: { address: ["ilo_address"], user: ["ilo_username"], port: "ilo_port" },
  irmc: { address: ["irmc_address"], user: ["irmc_username"], port: "irmc_port" },
};
const REGISTERED_STATES = ["manageable", "available"];
const DEPLOYED_STATES = ["active"];
const WHOLE = /^[1-9]\d*$/;

/** The lab, node file and password template a running lab's inventory becomes (pure). */
export function labFromInventory(inventory: Inventory, options: ImportOptions): ImportResult {
  const notAdopted: string[] = [];
  const firstApply: string[] = [];
  const skip = (what: string, why: string) => notAdopted.push(`${what}: not adopted: ${why}`);

  for (const name of inventory.missingNodes) skip(`node "${name}"`, "no Ironic node has this name");
  const services = inventory.computeServices ?? inventory.computeHosts.map((host) => ({ host, status: "enabled", state: "up" }));
  const computeHosts = services.filter((s) => s.status === "enabled" && s.state === "up").map((s) => s.host);
  for (const s of services.filter((s) => !computeHosts.includes(s.host))) {
    skip(`compute host "${s.host}"`, `its nova-compute is ${s.status}/${s.state}; a lab's compute hosts are enabled and up (verify checks it); enable it and import again`);
  }
  for (const name of inventory.missingServers) skip(`instance "${name}"`, "no Nova server of the project has this name");

  // --- nodes
  const nodeEntries: Record<string, unknown>[] = [];
  const nodeSettings: Record<string, { capabilities: Record<string, string> }> = {};
  const existingNodes: Record<string, { profile: string }> = {};
  const passwordTemplate: Record<string, string> = {};
  const deployPairs = new Map<string, number>();
  const registered: { node: InventoryNode; entry: Record<string, unknown> }[] = [];
  for (const node of inventory.nodes) {
    const label = `node "${node.name ?? node.uuid}"`;
    if (!node.name || !SAFE_NAME.test(node.name)) {
      skip(label, `its name ${JSON.stringify(node.name)} cannot be a lab name (letters, digits, "_", "." and "-"); name it in Ironic (openstack baremetal node set --name)`);
      continue;
    }
    if (node.maintenance) {
      skip(label, "it is in maintenance; take it out (openstack baremetal node maintenance unset) and import again");
      continue;
    }
    if (DEPLOYED_STATES.includes(node.provisionState)) {
      const profile = node.capabilities.profile;
      if (!profile) skip(label, "it is deployed (active) but has no profile capability, so it counts for no role; tag it and import again");
      else existingNodes[node.name] = { profile };
      continue;
    }
    if (!REGISTERED_STATES.includes(node.provisionState)) {
      skip(label, `it is in ${node.provisionState}; only manageable and available nodes are registered nodes of a lab, and active ones existing nodes`);
      continue;
    }
    if (!(HARDWARE_TYPES as readonly string[]).includes(node.driver)) {
      skip(label, `its driver ${node.driver} is not one labcdk enrols (${HARDWARE_TYPES.join(", ")})`);
      continue;
    }
    const entry: Record<string, unknown> = { name: node.name, pm_type: node.driver };
    const bmc = BMC_READ[node.driver];
    if (bmc) {
      const first = (keys: readonly string[]) => keys.map((k) => node.driverInfo[k]).find((v) => v !== undefined && v !== null && v !== "");
      const address = first(bmc.address);
      const user = first(bmc.user);
      if (address === undefined || user === undefined) {
        skip(label, `its driver_info lacks the BMC ${address === undefined ? "address" : "user"} (${(address === undefined ? bmc.address : bmc.user).join(" or ")})`);
        continue;
      }
      entry.pm_addr = String(address);
      entry.pm_user = String(user);
      const port = bmc.port ? node.driverInfo[bmc.port] : undefined;
      if (port !== undefined && port !== null && WHOLE.test(String(port))) entry.pm_port = Number(port);
      const systemId = bmc.systemId ? node.driverInfo[bmc.systemId] : undefined;
      if (typeof systemId === "string" && systemId) entry.pm_system_id = systemId;
      passwordTemplate[node.name] = "";
    }
    if (node.ports.length > 0) {
      entry.ports = node.ports.map((p) => ({
        address: p.address.toLowerCase(),
        ...(p.physicalNetwork ? { physical_network: p.physicalNetwork } : {}),
        ...(p.localLinkConnection && Object.keys(p.localLinkConnection).length > 0 ? { local_link_connection: p.localLinkConnection } : {}),
      }));
    } else if (node.driver !== "fake-hardware") {
      skip(label, "it has no Ironic port (MAC); a node file needs one for every driver but fake-hardware");
      continue;
    }
    const property = (key: string) => node.properties[key];
    for (const [key, field] of [["cpus", "cpu"], ["memory_mb", "memory"], ["local_gb", "disk"]] as const) {
      const value = property(key);
      if (value !== undefined && WHOLE.test(String(value))) entry[field] = Number(value);
    }
    const arch = property("cpu_arch");
    if (typeof arch === "string" && (ARCHITECTURES as readonly string[]).includes(arch)) entry.arch = arch;
    else if (arch !== undefined) firstApply.push(`node "${node.name}": cpu_arch ${JSON.stringify(arch)} is not one a node file takes (${ARCHITECTURES.join(", ")}); left out, Ironic keeps it`);
    const rootDevice = property("root_device");
    if (rootDevice && typeof rootDevice === "object") entry.root_device = rootDevice;
    if (Object.keys(node.capabilities).length > 0) {
      entry.capabilities = { ...node.capabilities };
      const sorted = capabilitiesText(node.capabilities, "by key");
      if (sorted !== capabilitiesText(node.capabilities, "as given")) {
        firstApply.push(`node "${node.name}": its capabilities are rewritten sorted by key (${sorted}), the same set, as TripleO writes them`);
      }
    }
    if (node.capabilities.profile) nodeSettings[node.name] = { capabilities: { profile: node.capabilities.profile } };
    if (node.resourceClass) entry.resource_class = node.resourceClass;
    if (node.conductorGroup) entry.conductor_group = node.conductorGroup;
    for (const [key, value] of Object.entries(node.interfaces)) entry[key] = value;
    const platform = node.extra.tripleo_platform;
    if (typeof platform === "string" && platform && entry.arch) entry.platform = platform;
    if (node.provisionState === "manageable") {
      firstApply.push(`node "${node.name}": manageable: the first apply inspects it if it was never inspected, and provides it (available), as the runbook does`);
    }
    const kernel = node.driverInfo.deploy_kernel;
    const ramdisk = node.driverInfo.deploy_ramdisk;
    if (typeof kernel === "string" && typeof ramdisk === "string") deployPairs.set(`${kernel} ${ramdisk}`, (deployPairs.get(`${kernel} ${ramdisk}`) ?? 0) + 1);
    registered.push({ node, entry });
  }

  // The lab's deploy images: the pair most nodes have, by Glance name; a node with another pair keeps its own (kernel_id, ramdisk_id).
  const [commonPair] = [...deployPairs].sort((a, b) => b[1] - a[1])[0] ?? [undefined];
  const [commonKernel, commonRamdisk] = commonPair ? commonPair.split(" ") : [undefined, undefined];
  const deployKernelImage = commonKernel ? inventory.deployImages[commonKernel] : undefined;
  const deployRamdiskImage = commonRamdisk ? inventory.deployImages[commonRamdisk] : undefined;
  for (const { node, entry } of registered) {
    const kernel = node.driverInfo.deploy_kernel;
    const ramdisk = node.driverInfo.deploy_ramdisk;
    if (kernel === undefined || ramdisk === undefined || kernel === null || ramdisk === null) {
      firstApply.push(`node "${node.name}": has no deploy kernel/ramdisk; the first apply sets the lab's (${deployKernelImage ?? "bm-deploy-kernel"}, ${deployRamdiskImage ?? "bm-deploy-ramdisk"}), as the runbook's configure boot does`);
    } else if (`${kernel} ${ramdisk}` !== commonPair || !deployKernelImage || !deployRamdiskImage) {
      entry.kernel_id = String(kernel);
      entry.ramdisk_id = String(ramdisk);
      firstApply.push(`node "${node.name}": keeps its own deploy images (kernel_id ${kernel}, ramdisk_id ${ramdisk}); the first apply also sets them as its rescue images, as TripleO does`);
    }
    nodeEntries.push(entry);
  }

  // --- overcloud
  const networksById = new Map(inventory.networks.map((n) => [n.id, n]));
  const subnetsById = new Map(inventory.subnets.map((s) => [s.id, s]));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const networks: Record<string, any> = {};
  /** A network as the lab file writes it, or why it cannot be. */
  const networkEntry = (id: string): { name: string } | { why: string } => {
    const network = networksById.get(id);
    if (!network) return { why: `its network ${id} is not visible to the project` };
    if (!network.name || !SAFE_NAME.test(network.name)) return { why: `its network ${id} has no name a lab file can look up (${JSON.stringify(network.name)})` };
    if (networks[network.name]) return { name: network.name };
    const subnets = network.subnets.map((s) => subnetsById.get(s)).filter((s): s is InventorySubnet => s !== undefined).sort((a, b) => a.name.localeCompare(b.name));
    const v4 = subnets.find((s) => s.ip_version === 4);
    const v6 = subnets.find((s) => s.ip_version === 6);
    const primary = v4 ?? v6;
    if (!primary) return { why: `network ${network.name} has no subnet` };
    for (const s of [v4, v6]) {
      if (s && (!s.name || !SAFE_NAME.test(s.name))) return { why: `subnet ${s.id} of network ${network.name} has no name a lab file can look up (${JSON.stringify(s.name)})` };
      if (s && typeof parseCidr(s.cidr) === "string") return { why: `subnet ${s.name} of network ${network.name}: cidr ${s.cidr} ${parseCidr(s.cidr)}` };
    }
    const mode = (s: InventorySubnet) => (s.ipv6_address_mode ? { addressMode: s.ipv6_address_mode } : {});
    networks[network.name] = {
      subnet: primary.name,
      cidr: primary.cidr,
      ...(primary.ip_version === 6 ? mode(primary) : {}),
      ...(v4 && v6 ? { ipv6: { subnet: v6.name, cidr: v6.cidr, ...mode(v6), dhcp: v6.enable_dhcp } } : {}),
      create: false,
      dhcp: primary.enable_dhcp,
      external: network.external,
    };
    return { name: network.name };
  };

  const flavorsByName = new Map(inventory.flavors.map((f) => [f.name, f]));
  // The security group of the lab: the one the instances' ports are in (the first instance's), else the project's default.
  const groupsById = new Map(inventory.securityGroups.map((g) => [g.id, g]));
  const firstGroupId = inventory.servers.flatMap((s) => s.ports.slice(0, 1).flatMap((p) => p.securityGroupIds.slice(0, 1)))[0];
  const group = (firstGroupId ? groupsById.get(firstGroupId) : undefined) ?? inventory.securityGroups.find((g) => g.name === "default");

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const instances: Record<string, any> = {};
  const flavors: Record<string, unknown> = {};
  const seenServerNames = new Set<string>();
  for (const server of inventory.servers) {
    const label = `instance "${server.name}"`;
    if (seenServerNames.has(server.name)) {
      skip(`${label} (${server.id})`, "another server of the project has the same name; a lab names each instance once");
      continue;
    }
    seenServerNames.add(server.name);
    const problem = ((): string | undefined => {
      if (!SAFE_NAME.test(server.name)) return `its name cannot be a lab name (letters, digits, "_", "." and "-")`;
      if (server.status !== "ACTIVE") return `it is ${server.status}; only ACTIVE instances are adopted (the lab keeps its instances running)`;
      if (!server.host || !computeHosts.includes(server.host)) return `its host ${server.host ?? "(none)"} is not an enabled, up nova-compute host of the overcloud`;
      if (!server.image) return server.imageId ? `its image ${server.imageId} is gone from Glance (the lab names the image it boots from)` : "it boots from a volume; the lab boots instances from images";
      if (!server.flavor || !flavorsByName.has(server.flavor)) return `its flavor ${server.flavor ?? "(unknown)"} is not a flavor of the project any more`;
      if (server.ports.length !== 1) return `it has ${server.ports.length} ports; the lab gives an instance one port`;
      if (server.ports[0].floatingIps.length > 1) return `its port has ${server.ports[0].floatingIps.length} floating IPs; the lab gives an instance one`;
      return undefined;
    })();
    if (problem) {
      skip(label, problem);
      continue;
    }
    const port = server.ports[0];
    const network = networkEntry(port.networkId);
    if ("why" in network) {
      skip(label, network.why);
      continue;
    }
    if (networks[network.name].external) {
      skip(label, `it is on the external network ${network.name}; a lab's instances are on a private network with a floating IP`);
      continue;
    }
    const fip = port.floatingIps[0];
    let floatingIp: { pool: string; address: string } | undefined;
    if (fip) {
      const pool = networkEntry(fip.networkId);
      if ("why" in pool) {
        skip(label, `its floating IP ${fip.address}: ${pool.why}`);
        continue;
      }
      floatingIp = { pool: pool.name, address: fip.address };
    }
    const flavor = flavorsByName.get(server.flavor as string)!;
    flavors[flavor.name] = { vcpus: flavor.vcpus, ramMb: flavor.ram, diskGb: flavor.disk, swapMb: Number(flavor.swap) || 0, create: false };
    instances[server.name] = {
      image: server.image,
      flavor: flavor.name,
      network: network.name,
      availabilityZone: server.availabilityZone || "nova",
      host: server.host,
      ...(floatingIp ? { floatingIp } : {}),
      reachabilityCheck: options.reachabilityCheck,
      adopt: { serverId: server.id, portId: port.id, ...(fip ? { floatingIpId: fip.id } : {}) },
    };
    if (port.name !== `${server.name}-port`) firstApply.push(`instance "${server.name}": its port ${port.id} is renamed ${server.name}-port (was ${JSON.stringify(port.name)}), in place`);
    if (group && (port.securityGroupIds.length !== 1 || port.securityGroupIds[0] !== group.id)) {
      firstApply.push(`instance "${server.name}": its port's security groups become just ${group.name} (the lab's group), in place`);
    }
  }

  // The lab's ICMP and SSH rules: adopted when the group has them as labcdk writes them, else left alone (allow*: false).
  const ruleLike = (r: InventoryRule, protocol: string, ports?: number) =>
    r.direction === "ingress" &&
    r.ethertype === "IPv4" &&
    r.protocol === protocol &&
    r.remote_group_id === null &&
    r.remote_ip_prefix === "0.0.0.0/0" &&
    (ports === undefined ? r.port_range_min === null && r.port_range_max === null : r.port_range_min === ports && r.port_range_max === ports);
  const rules = group?.rules ?? [];
  const icmp = rules.find((r) => ruleLike(r, "icmp"));
  const ssh = rules.find((r) => ruleLike(r, "tcp", 22));
  const nearly = (protocol: string) => rules.filter((r) => r.direction === "ingress" && r.protocol === protocol && !(protocol === "icmp" ? r === icmp : r === ssh));
  for (const [what, found, near] of [["ICMP", icmp, nearly("icmp")], ["SSH", ssh, nearly("tcp").filter((r) => r.port_range_min === 22)]] as const) {
    if (!found && near.length > 0) {
      skip(
        `${what} rule${near.length > 1 ? "s" : ""} ${near.map((r) => r.id).join(", ")} of group ${group?.name}`,
        `labcdk's rule is ingress IPv4 from 0.0.0.0/0 exactly (this one: ${near.map((r) => `${r.ethertype} from ${r.remote_ip_prefix ?? r.remote_group_id ?? "anywhere (no prefix)"}`).join("; ")}); the lab says allow${what === "ICMP" ? "Icmp" : "Ssh"}: false and leaves it as it is`,
      );
    }
  }

  const usedNetworkIds = new Set(Object.keys(networks).map((name) => inventory.networks.find((n) => n.name === name)?.id));
  for (const router of inventory.routers) {
    const touches = router.subnetIds.some((s) => usedNetworkIds.has(subnetsById.get(s)?.network_id)) || usedNetworkIds.has(router.externalNetworkId ?? undefined);
    if (touches) skip(`router "${router.name || router.id}"`, "a lab's routers are ones it creates; this one exists and keeps routing the lab's networks as it does (the lab looks its networks up and does not need it)");
  }
  if (computeHosts.length === 0) notAdopted.push("overcloud: no nova-compute host is enabled and up; a lab needs at least one compute host (overcloud.computeHosts)");

  const lab = {
    name: options.labName,
    description: `Adopted by labcdk import from the clouds ${inventory.clouds.undercloud} and ${inventory.clouds.overcloud} at ${inventory.readAt}`,
    clouds: { undercloud: options.clouds.undercloud, overcloud: options.clouds.overcloud },
    baremetal: {
      nodeFile: "nodes.json",
      ...(deployKernelImage && deployRamdiskImage ? { deployKernelImage, deployRamdiskImage } : {}),
      nodes: nodeSettings,
      existingNodes,
    },
    overcloud: {
      // The overcloud exists; import adopts no Heat stack or deploy (docs/operating.md, "Adopting an existing lab").
      deploy: false,
      templatesDir: "/home/stack/templates",
      roles: {},
      computeHosts,
    },
    networks,
    securityGroup: {
      name: group?.name ?? "default",
      allowIcmp: icmp !== undefined,
      allowSsh: ssh !== undefined,
      ...(icmp || ssh ? { adopt: { ...(icmp ? { icmpRuleId: icmp.id } : {}), ...(ssh ? { sshRuleId: ssh.id } : {}) } } : {}),
    },
    flavors,
    instances,
  };
  return { lab, nodeFile: { bmc_passwords: BMC_PASSWORDS_APPLY_TIME, nodes: nodeEntries }, passwordTemplate, notAdopted, firstApply };
}

export class ImportError extends Error {}

/** Runs inventory.py; throws ObserveError (naming the cloud) when it cannot read the clouds. */
export function readInventory(options: { clouds: { undercloud: string; overcloud: string }; nodes?: readonly string[]; instances?: readonly string[]; timeoutSeconds?: number; env?: NodeJS.ProcessEnv }): Inventory {
  const env = options.env ?? process.env;
  const timeout = options.timeoutSeconds ?? 120;
  const python = sdkPython(env);
  if (!python) throw new ObserveError("no Python with openstacksdk found (install python3-openstacksdk, or set LABCDK_PYTHON)");
  const result = spawnSync(python, [INVENTORY_SCRIPT], {
    encoding: "utf8",
    timeout: (timeout + 15) * 1000,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...env,
      PYTHONDONTWRITEBYTECODE: "1",
      UNDERCLOUD_CLOUD: options.clouds.undercloud,
      OVERCLOUD_CLOUD: options.clouds.overcloud,
      INVENTORY_NODES: JSON.stringify(options.nodes ?? []),
      INVENTORY_INSTANCES: JSON.stringify(options.instances ?? []),
      INVENTORY_TIMEOUT_SECONDS: String(timeout),
    },
  });
  if (result.error) throw new ObserveError(`${INVENTORY_SCRIPT}: ${result.error.message}`);
  if (result.status !== 0) {
    const message = (result.stderr.trim().split("\n").filter((line) => line.includes("error:")).pop() ?? result.stderr.trim()).replace(/^\S+ \[inventory\] error: /, "");
    throw new ObserveError(message || `${INVENTORY_SCRIPT} exited ${result.status ?? result.signal}`);
  }
  try {
    return JSON.parse(result.stdout) as Inventory;
  } catch (error) {
    throw new ObserveError(`${INVENTORY_SCRIPT} printed no JSON: ${(error as Error).message}`);
  }
}

/** The files of a lab directory: lab.yaml, nodes.json, bmc-passwords.template.json. Refuses to overwrite a lab. */
export function writeImport(dir: string, result: ImportResult): string[] {
  const labFile = path.join(dir, "lab.yaml");
  if (fs.existsSync(labFile)) throw new ImportError(`${labFile}: exists already; import into a new folder (--out) so no lab is overwritten`);
  fs.mkdirSync(dir, { recursive: true });
  const header = [
    "# Written by `labcdk import` from a running lab (docs/operating.md, \"Adopting an existing lab\").",
    "# adopt: ids make the first plan import what exists instead of creating it; the BMC",
    "# passwords are not here: nodes.json says \"bmc_passwords\": \"apply-time\" (LABCDK_BMC_PASSWORD_FILE,",
    "# bmc-passwords.template.json lists the nodes).",
    "",
  ].join("\n");
  const files: Record<string, string> = {
    "lab.yaml": header + stringify(result.lab, { lineWidth: 0 }),
    "nodes.json": `${JSON.stringify(result.nodeFile, null, 2)}\n`,
    "bmc-passwords.template.json": `${JSON.stringify(result.passwordTemplate, null, 2)}\n`,
  };
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o644 });
  return Object.keys(files).map((name) => path.join(dir, name));
}

export const REACHABILITY_CHOICES: readonly string[] = REACHABILITY_CHECKS;
