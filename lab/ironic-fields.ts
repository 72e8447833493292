/**
 * What a node of the node file becomes in Ironic: the one place that maps the
 * instackenv fields to Ironic's node and port fields, as tripleo-common's
 * import does it (`tripleo_common/utils/nodes.py`, `register_ironic_node` and
 * `_update_or_register_ironic_node`). The enrolment script applies the
 * result as it is (scripts/lib/ironic_enroll.py); the differences from
 * TripleO that stay are listed in docs/node-file.md ("What reaches Ironic") and checked
 * on the test bed by __tests__/integration/tripleo-import.test.ts.
 *
 * No password here: `passwordFields` names the driver_info keys the script
 * fills at apply time.
 */
import type { BaremetalNodeDefinition } from "./instackenv";

/** A node as Ironic gets it (field names are Ironic's). */
export interface IronicNodeSpec {
  readonly name: string;
  readonly driver: string;
  /** driver_info without the password: BMC fields of the hardware type, deploy (and rescue) images. */
  readonly driver_info: Readonly<Record<string, string | number>>;
  /** driver_info keys that take the BMC password (filled at apply time). */
  readonly password_fields: readonly string[];
  /** properties other than capabilities: cpus, memory_mb, local_gb, cpu_arch, root_device. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** The capabilities the node must have (merged into the node's, written sorted by key). */
  readonly capabilities: Readonly<Record<string, string>>;
  /** Top-level fields set on create and update: resource_class, conductor_group, `*_interface`. */
  readonly fields: Readonly<Record<string, string>>;
  /** `extra` keys: tripleo_platform. */
  readonly extra: Readonly<Record<string, string>>;
  readonly ports: readonly IronicPortSpec[];
}

export interface IronicPortSpec {
  readonly address: string;
  readonly physical_network?: string;
  readonly local_link_connection?: Readonly<Record<string, string>>;
}

/** Glance images (IDs, or URLs) the node boots its ramdisk from. */
export interface NodeImages {
  /** The lab's deploy kernel and ramdisk (the runbook's `configure boot`), for nodes without their own. */
  readonly deployKernel: string;
  readonly deployRamdisk: string;
  /** The node's `kernel_id` / `ramdisk_id`, resolved to an ID when it named a Glance image. */
  readonly nodeKernel?: string;
  readonly nodeRamdisk?: string;
}

/**
 * A node name as it appears in environment-variable names
 * (`LABCDK_BMC_PASSWORD_<NAME>`, `LABCDK_NODE_<NAME>`): upper-cased, other characters as `_`.
 * The scripts' `variable_suffix` (scripts/lib/observation.py) does the same: both are tested
 * against `__tests__/fixtures/node-variable-names.json`.
 */
export function nodeVariableSuffix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** TripleO's defaults, set only when a node or a port is created: resource_class, a port's physical_network. */
export const CREATE_DEFAULTS = { resource_class: "baremetal", physical_network: "ctlplane" } as const;

/**
 * How each hardware type takes the BMC (TripleO's DRIVER_INFO): the driver_info
 * key of each file field. idrac gets both its WS-Man (`drac_*`, address
 * without scheme and port) and its Redfish (`redfish_*`) keys.
 */
const BMC_KEYS: Readonly<Record<string, { address?: string[]; user?: string[]; password?: string[]; port?: string[]; systemId?: string[] }>> = {
  ipmi: { address: ["ipmi_address"], user: ["ipmi_username"], password: ["ipmi_password"], port: ["ipmi_port"] },
  redfish: { address: ["redfish_address"], user: ["redfish_username"], password: ["redfish_password"], systemId: ["redfish_system_id"] },
  idrac: {
    address: ["drac_address", "redfish_address"],
    user: ["drac_username", "redfish_username"],
    password: ["drac_password", "redfish_password"],
    port: ["drac_port"],
    systemId: ["redfish_system_id"],
  },
  ilo: { address: ["ilo_address"], user: ["ilo_username"], password: ["ilo_password"], port: ["ilo_port"] },
  irmc: { address: ["irmc_address"], user: ["irmc_username"], password: ["irmc_password"], port: ["irmc_port"] },
};

/** idrac's WS-Man address: the host of pm_addr, without scheme, port or trailing slash (as TripleO builds it). */
function dracHost(address: string): string {
  return address.replace(/^https?:\/\//i, "").split(":")[0].replace(/\/+$/, "");
}

/** Whether `kernel_id` / `ramdisk_id` names a Glance image by name (not an ID, not a URL): labcdk looks those up. */
export function isImageName(reference: string): boolean {
  const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i;
  return !uuid.test(reference) && !url.test(reference);
}

/**
 * Capabilities as Ironic's `key:value,...` text: sorted by key, as TripleO
 * writes them, or in the order given (what the tag observation and verify
 * show).
 */
export function capabilitiesText(capabilities: Readonly<Record<string, string>>, order: "by key" | "as given" = "by key"): string {
  const keys = Object.keys(capabilities);
  return (order === "by key" ? keys.sort() : keys).map((key) => `${key}:${capabilities[key]}`).join(",");
}

/**
 * The Ironic node of a node-file entry. `capabilities` are the node's
 * effective ones (the file's, with the lab's `baremetal.nodes.<name>` over them).
 */
export function ironicNodeSpec(node: BaremetalNodeDefinition, images: NodeImages, capabilities: Readonly<Record<string, string>>): IronicNodeSpec {
  const keys = BMC_KEYS[node.driver] ?? {};
  const driverInfo: Record<string, string | number> = {};
  const put = (names: readonly string[] | undefined, value: string | number | undefined, transform?: (v: string) => string) => {
    if (value === undefined) return;
    (names ?? []).forEach((name, i) => (driverInfo[name] = i === 0 && transform && typeof value === "string" ? transform(value) : value));
  };
  put(keys.address, node.bmcAddress, node.driver === "idrac" ? dracHost : undefined);
  put(keys.user, node.bmcUsername);
  put(keys.port, node.bmcPort);
  put(keys.systemId, node.bmcSystemId);
  // The node's own images are its deploy and rescue images (TripleO); else the lab's deploy images.
  driverInfo.deploy_kernel = node.kernelImage !== undefined ? images.nodeKernel ?? node.kernelImage : images.deployKernel;
  driverInfo.deploy_ramdisk = node.ramdiskImage !== undefined ? images.nodeRamdisk ?? node.ramdiskImage : images.deployRamdisk;
  if (node.kernelImage !== undefined) driverInfo.rescue_kernel = driverInfo.deploy_kernel;
  if (node.ramdiskImage !== undefined) driverInfo.rescue_ramdisk = driverInfo.deploy_ramdisk;

  const properties: Record<string, unknown> = {};
  const setProperty = (key: string, value: unknown) => value !== undefined && (properties[key] = value);
  setProperty("cpus", node.cpus);
  setProperty("memory_mb", node.memoryMb);
  setProperty("local_gb", node.localGb);
  setProperty("cpu_arch", node.cpuArch);
  setProperty("root_device", node.rootDevice);

  const fields: Record<string, string> = { ...node.interfaces };
  if (node.resourceClass !== undefined) fields.resource_class = node.resourceClass;
  // Ironic stores conductor groups lower-cased.
  if (node.conductorGroup !== undefined) fields.conductor_group = node.conductorGroup.toLowerCase();

  return {
    name: node.name,
    driver: node.driver,
    driver_info: driverInfo,
    password_fields: keys.password ?? [],
    properties,
    capabilities,
    fields,
    extra: node.platform !== undefined ? { tripleo_platform: node.platform } : {},
    ports: node.ports.map((p) => ({
      address: p.address,
      ...(p.physicalNetwork !== undefined ? { physical_network: p.physicalNetwork } : {}),
      ...(p.localLinkConnection !== undefined ? { local_link_connection: p.localLinkConnection } : {}),
    })),
  };
}
