/**
 * The bare-metal node file: instackenv-style JSON, in the runbook's legacy
 * form (`mac` list, numbers as strings, `pm_type: pxe_ipmitool`) and in
 * TripleO's later form (`ports`, `capabilities`, `root_device`, ...).
 *
 * The parsed model never carries the BMC password: it is read from the node
 * file again at apply time by the scripts (see scripts/lib/node-secrets.sh).
 */
import * as fs from "node:fs";
import { z } from "zod";
import { LabInputError, shown, valueAt } from "./errors";
import { SAFE_NAME } from "./schema";

/** Classic driver names and the hardware types that replaced them (as later TripleO mapped them). */
export const CLASSIC_DRIVERS: Readonly<Record<string, string>> = {
  pxe_ipmitool: "ipmi",
  agent_ipmitool: "ipmi",
  pxe_ssh: "ipmi",
  pxe_drac: "idrac",
  agent_drac: "idrac",
  pxe_ilo: "ilo",
  agent_ilo: "ilo",
  iscsi_ilo: "ilo",
  pxe_irmc: "irmc",
  agent_irmc: "irmc",
  iscsi_irmc: "irmc",
  fake_pxe: "fake-hardware",
  fake: "fake-hardware",
};
export const HARDWARE_TYPES = ["ipmi", "redfish", "idrac", "ilo", "irmc", "manual-management", "fake-hardware"] as const;
export const ARCHITECTURES = ["x86_64", "aarch64", "ppc64le", "i686"] as const;

const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;
const macAddress = z.string().regex(MAC, { message: "is not a MAC address (expected six hex pairs such as 52:54:00:00:fa:0d)" });
/** The legacy file writes numbers as strings ("6144"); both are accepted. */
const count = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, { message: "must be a whole number" })]).transform(Number);

const PortSchema = z
  .object({
    address: macAddress,
    physical_network: z.string().optional(),
    local_link_connection: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const NodeEntrySchema = z
  .object({
    name: z.string().regex(SAFE_NAME, { message: 'must start with a letter or digit and use only letters, digits, "_", "." and "-"' }),
    pm_type: z.string(),
    pm_addr: z.string().optional(),
    pm_port: count.optional(),
    pm_user: z.string().optional(),
    pm_password: z.string().optional(),
    pm_system_id: z.string().optional(),
    mac: z.array(macAddress).optional(),
    ports: z.array(PortSchema).optional(),
    cpu: count.optional(),
    memory: count.optional(),
    disk: count.optional(),
    arch: z.enum(ARCHITECTURES).optional(),
    capabilities: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
    profile: z.string().optional(),
    root_device: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    resource_class: z.string().optional(),
    conductor_group: z.string().optional(),
    kernel_id: z.string().optional(),
    ramdisk_id: z.string().optional(),
    description: z.string().optional(),
  })
  .strict();

/** `*_interface` fields (boot_interface, deploy_interface, ...) pass through to Ironic as they are. */
const INTERFACE_FIELD = /^[a-z]+_interface$/;

export const NodeFileSchema = z.object({ nodes: z.array(z.unknown()).min(1, { message: "lists no node" }) }).strict();

/** One bare-metal node as the constructs see it. No password here. */
export interface BaremetalNodeDefinition {
  readonly name: string;
  /** Hardware type (classic names already mapped). */
  readonly driver: string;
  /** The classic driver name the file used, when it was mapped. */
  readonly classicDriver?: string;
  readonly bmcAddress?: string;
  readonly bmcPort?: number;
  readonly bmcUsername?: string;
  readonly bmcSystemId?: string;
  readonly macs: readonly string[];
  readonly cpus?: number;
  readonly memoryMb?: number;
  readonly localGb?: number;
  readonly cpuArch?: string;
  /** Capabilities from the file (`capabilities`, `profile`). */
  readonly capabilities: Readonly<Record<string, string>>;
  readonly resourceClass?: string;
  /** `*_interface` fields, e.g. boot_interface. */
  readonly interfaces: Readonly<Record<string, string>>;
}

/** Parses `key:value,key:value` capability strings. */
export function parseCapabilities(text: string): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  if (text.trim() === "") return result;
  for (const pair of text.split(",")) {
    const [key, value, ...rest] = pair.split(":");
    if (!key || value === undefined || rest.length > 0) return undefined;
    result[key.trim()] = value.trim();
  }
  return result;
}

/**
 * Reads and validates a node file. Every problem in the file is reported at
 * once, each naming the file, the node, the field and the received value; the
 * BMC password is never echoed.
 */
export function loadNodeFile(file: string): BaremetalNodeDefinition[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new LabInputError(file, [`${file}: cannot be read as JSON: ${(error as Error).message}`]);
  }
  const top = NodeFileSchema.safeParse(raw);
  if (!top.success) {
    throw new LabInputError(file, top.error.issues.map((i) => `${file}: ${i.path.join(".") || "(top level)"}: ${i.message}`));
  }

  const problems: string[] = [];
  const nodes: BaremetalNodeDefinition[] = [];
  const namesSeen = new Map<string, number>();
  /** MAC → the node that has it, and BMC identity → the node that has it, as shown in messages. */
  const macsSeen = new Map<string, string>();
  const bmcSeen = new Map<string, string>();

  top.data.nodes.forEach((entry, index) => {
    const label = typeof (entry as { name?: unknown })?.name === "string" ? `node "${(entry as { name: string }).name}"` : `node #${index + 1}`;
    const report = (field: string, message: string, value?: unknown) =>
      problems.push(`${file}: ${label}: ${field}: ${message}${value === undefined || field === "pm_password" ? "" : ` (got ${shown(value)})`}`);

    const interfaces: Record<string, string> = {};
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry !== null && typeof entry === "object" ? entry : {})) {
      if (INTERFACE_FIELD.test(key) && typeof value === "string") interfaces[key] = value;
      else fields[key] = value;
    }
    const parsed = NodeEntrySchema.safeParse(entry !== null && typeof entry === "object" ? fields : entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === "unrecognized_keys") {
          for (const key of issue.keys) report(key, "is not a known node field (check the spelling; see README 'Node file')");
          continue;
        }
        report(issue.path.join(".") || "(node)", issue.message, valueAt(entry, issue.path));
      }
      return;
    }
    const n = parsed.data;

    if (namesSeen.has(n.name)) report("name", `duplicates node #${namesSeen.get(n.name)}`, n.name);
    namesSeen.set(n.name, index + 1);

    let driver = n.pm_type;
    let classicDriver: string | undefined;
    if (CLASSIC_DRIVERS[driver]) {
      classicDriver = driver;
      driver = CLASSIC_DRIVERS[driver];
    } else if (!(HARDWARE_TYPES as readonly string[]).includes(driver)) {
      report("pm_type", `is not a supported driver (use one of ${HARDWARE_TYPES.join(", ")}, or a classic name such as pxe_ipmitool)`, n.pm_type);
    }
    if (["ipmi", "idrac", "ilo", "irmc", "redfish"].includes(driver)) {
      for (const field of ["pm_addr", "pm_user", "pm_password"] as const) {
        if (!n[field]) report(field, `is required for driver ${driver}`);
      }
    }
    if (driver === "redfish" && !n.pm_system_id) report("pm_system_id", "is required for driver redfish (the Redfish system path, e.g. /redfish/v1/Systems/1)");

    const macs = [...(n.mac ?? []), ...(n.ports ?? []).map((p) => p.address)].map((m) => m.toLowerCase());
    if (macs.length === 0 && driver !== "fake-hardware") report("mac", "lists no MAC address (give mac or ports)");
    for (const mac of macs) {
      const other = macsSeen.get(mac);
      if (other !== undefined) report("mac", `is also used by ${other}`, mac);
      else macsSeen.set(mac, `node #${index + 1} "${n.name}"`);
    }
    if (n.pm_addr) {
      const identity = [n.pm_addr, n.pm_port ?? "", driver === "redfish" ? n.pm_system_id ?? "" : ""].join("|");
      const other = bmcSeen.get(identity);
      if (other !== undefined) report("pm_addr", `the same BMC (address, port${driver === "redfish" ? ", system id" : ""}) is used by ${other}`, n.pm_addr);
      else bmcSeen.set(identity, `node #${index + 1} "${n.name}"`);
    }

    let capabilities: Record<string, string> = {};
    if (typeof n.capabilities === "string") {
      const parsedCaps = parseCapabilities(n.capabilities);
      if (parsedCaps === undefined) report("capabilities", 'must be "key:value" pairs separated by commas, e.g. "profile:compute,boot_option:local"', n.capabilities);
      else capabilities = parsedCaps;
    } else if (n.capabilities) {
      capabilities = { ...n.capabilities };
    }
    if (n.profile) capabilities.profile = n.profile;

    nodes.push({
      name: n.name,
      driver,
      classicDriver,
      bmcAddress: n.pm_addr,
      bmcPort: n.pm_port,
      bmcUsername: n.pm_user,
      bmcSystemId: n.pm_system_id,
      macs,
      cpus: n.cpu,
      memoryMb: n.memory,
      localGb: n.disk,
      cpuArch: n.arch,
      capabilities,
      resourceClass: n.resource_class,
      interfaces,
    });
  });

  if (problems.length > 0) throw new LabInputError(file, problems);
  return nodes;
}
