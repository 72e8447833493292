/**
 * The bare-metal node file: instackenv-style JSON, in the runbook's legacy
 * form (`mac` list, numbers as strings, `pm_type: pxe_ipmitool`) and in
 * TripleO's later form (`ports`, `capabilities`, `root_device`, ...).
 *
 * Every field of every node is checked on its own, so one file shows all its
 * problems at once, each naming file, node, field and the received value.
 * The BMC password is never echoed, and the parsed model never carries it:
 * the enrolment step reads it at apply time (scripts/lib/ironic_node.py).
 */
import * as z from "zod";
import { parseAddress } from "./addresses";
import { keyPathText, LabInputError, oneLine, shown } from "./errors";
import { jsonLocator, parseJsonText, readInputText, withDepthGuard } from "./input-file";
import { nodeVariableSuffix } from "./ironic-fields";
import { SAFE_NAME } from "./schema";
import { choiceSuggestion, didYouMean, zodIssueWords } from "./words";

/** Classic driver names and the hardware types that replaced them (as later TripleO mapped them). */
export const CLASSIC_DRIVERS: Readonly<Record<string, string>> = {
  pxe_ipmitool: "ipmi",
  agent_ipmitool: "ipmi",
  pxe_ipminative: "ipmi",
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
/** Ironic's root device hints. */
export const ROOT_DEVICE_HINTS = ["size", "model", "vendor", "serial", "wwn", "wwn_with_extension", "wwn_vendor_extension", "hctl", "by_path", "name", "rotational"] as const;
/** Ironic's hardware interfaces (`<name>_interface` fields). */
export const HARDWARE_INTERFACES = ["bios", "boot", "console", "deploy", "firmware", "inspect", "management", "network", "power", "raid", "rescue", "storage", "vendor"] as const;
/**
 * Top-level `"bmc_passwords": "apply-time"` of a node file: it holds no password; the enrolment
 * reads each from LABCDK_BMC_PASSWORD_<NAME> or LABCDK_BMC_PASSWORD_FILE at apply time
 * (`labcdk import` writes node files so).
 */
export const BMC_PASSWORDS_APPLY_TIME = "apply-time";
/** Hardware types whose BMC needs an address, a user and a password. */
const BMC_DRIVERS = ["ipmi", "redfish", "idrac", "ilo", "irmc"];
/** Hardware types that take the BMC's port as a field of its own (redfish has it in the pm_addr URL). */
const PORT_DRIVERS = ["ipmi", "idrac", "ilo", "irmc"];
/** Hardware types that take a Redfish system id (idrac: for its Redfish interfaces, as TripleO maps it). */
const SYSTEM_ID_DRIVERS = ["redfish", "idrac"];
/** The BMC fields of the file, for drivers that have no BMC (TripleO drops them with a warning). */
const BMC_FIELDS = ["pm_addr", "pm_user", "pm_password", "pm_port", "pm_system_id"] as const;

const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;
const macAddress = z
  .string()
  .regex(MAC, { message: "is not a MAC address (expected six hex pairs such as 52:54:00:00:fa:0d)" })
  .refine((mac) => (parseInt(mac.slice(0, 2), 16) & 1) === 0, { message: "is a multicast MAC address; a NIC's address is unicast (even first octet)" })
  .refine((mac) => !/^(00:){5}00$/.test(mac), { message: "is the all-zero MAC address" });
/** The legacy file writes numbers as strings ("6144"); both are accepted. */
const wholeNumber = z
  .union([z.number().int({ message: "must be a whole number above zero" }).positive({ message: "must be a whole number above zero" }), z.string().regex(/^[1-9]\d*$/, { message: "must be a whole number above zero" })], {
    message: "must be a whole number above zero (a number, or digits in a string)",
  })
  .transform(Number);
const text = z.string().min(1, { message: "must not be empty" });

/**
 * Why a BMC address (host, IP or URL) is wrong, if it is: an IP address in
 * it is parsed as the lab file's are (lab/addresses.ts). The host is taken
 * from the text as written: a URL parser would silently read 010.1.1.1 as
 * octal.
 */
function bmcAddressProblem(value: string): string | undefined {
  // [scheme://]host[:port][/path], host an IPv6 literal in brackets, or a bare IPv6 address.
  const parts = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?(\[[^\]]*\]|[^/:?#[\]]*)(?::[0-9]*)?(?:[/?#].*)?$/.exec(value);
  const literal = parts ? parts[1].replace(/^\[(.*)\]$/, "$1") : value;
  if (literal === "") return "has no host";
  if (/^[0-9.]+$/.test(literal) || literal.includes(":")) {
    const parsed = parseAddress(literal);
    if (typeof parsed === "string") return `has a host that ${parsed}`;
  }
  return undefined;
}

/** Each known field of a node and how it is checked. */
const FIELDS = {
  name: z.string().regex(SAFE_NAME, { message: 'must start with a letter or digit and use only letters, digits, "_", "." and "-" (at most 63 characters)' }),
  pm_type: text,
  pm_addr: text.superRefine((value, ctx) => {
    const problem = bmcAddressProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  pm_port: wholeNumber.refine((port) => port <= 65535, { message: "must be a TCP/UDP port (1-65535)" }),
  pm_user: text,
  pm_password: text,
  pm_system_id: text,
  mac: z.array(macAddress).min(1, { message: "must list at least one MAC address" }),
  ports: z
    .array(
      z
        .object({
          address: macAddress,
          physical_network: text.optional(),
          local_link_connection: z.object({ switch_id: text.optional(), port_id: text.optional(), switch_info: text.optional() }).strict().optional(),
        })
        .strict(),
    )
    .min(1, { message: "must list at least one port" }),
  cpu: wholeNumber,
  memory: wholeNumber,
  disk: wholeNumber,
  arch: z.enum(ARCHITECTURES, { message: `must be one of ${ARCHITECTURES.join(", ")}` }),
  platform: text,
  capabilities: z.union([z.string(), z.record(z.string(), z.string())], { message: 'must be "key:value,..." or a map of strings' }),
  profile: z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'must use only letters, digits, "_", "." and "-"' }),
  root_device: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), { message: "must be a map of root device hints (e.g. {\"serial\": \"...\"})" }),
  resource_class: z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, { message: 'must use only letters, digits, "_", "." and "-" (at most 80)' }),
  conductor_group: z.string().regex(/^[A-Za-z0-9_.-]{0,255}$/, { message: 'must use only letters, digits, "_", "." and "-"' }),
  kernel_id: text,
  ramdisk_id: text,
  description: z.string(),
  _comment: z.string(),
} as const;
type FieldName = keyof typeof FIELDS;
type Parsed = { -readonly [K in FieldName]?: z.infer<(typeof FIELDS)[K]> };
/** One node entry as a node file holds it (before checking: numbers may be strings), for tools and tests that write node files. */
export type NodeFileEntry = { -readonly [K in FieldName]?: z.input<(typeof FIELDS)[K]> };

/** One NIC of a node (`ports`, or an address of the legacy `mac` list). */
export interface BaremetalPort {
  /** MAC address, lower-case. */
  readonly address: string;
  /** Ironic port `physical_network`, when the file gives one. */
  readonly physicalNetwork?: string;
  /** Ironic port `local_link_connection` (switch_id, port_id, switch_info), when the file gives one. */
  readonly localLinkConnection?: Readonly<Record<string, string>>;
}

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
  /** Every MAC of the node, lower-case, in file order (`mac`, then `ports`). */
  readonly macs: readonly string[];
  /** The node's NICs, as Ironic ports: `mac` entries (no more than an address), then `ports`. */
  readonly ports: readonly BaremetalPort[];
  readonly cpus?: number;
  readonly memoryMb?: number;
  readonly localGb?: number;
  readonly cpuArch?: string;
  /** Capabilities from the file (`capabilities`, `profile`). */
  readonly capabilities: Readonly<Record<string, string>>;
  readonly resourceClass?: string;
  /** `*_interface` fields, e.g. boot_interface. */
  readonly interfaces: Readonly<Record<string, string>>;
  /** Root device hints (`root_device`), as written. */
  readonly rootDevice?: Readonly<Record<string, string | number | boolean>>;
  /** `platform` (TripleO keeps it in `extra.tripleo_platform`). */
  readonly platform?: string;
  /** `conductor_group`. */
  readonly conductorGroup?: string;
  /** `kernel_id`: the node's own deploy and rescue kernel (Glance name or ID, or a URL). */
  readonly kernelImage?: string;
  /** `ramdisk_id`: the node's own deploy and rescue ramdisk (Glance name or ID, or a URL). */
  readonly ramdiskImage?: string;
}

/** Parses `key:value,key:value` capability strings; undefined when malformed. */
export function parseCapabilities(capabilities: string): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  if (capabilities.trim() === "") return result;
  for (const pair of capabilities.split(",")) {
    const [key, value, ...rest] = pair.split(":");
    if (!key?.trim() || value === undefined || !value.trim() || rest.length > 0) return undefined;
    result[key.trim()] = value.trim();
  }
  return result;
}

/** What a node file holds: nodes and the warnings to show (nothing refused). */
export interface NodeFile {
  readonly nodes: BaremetalNodeDefinition[];
  readonly warnings: string[];
}

/**
 * Reads and validates a node file. Every problem in the file is reported at
 * once (a `LabInputError`), each naming the file, the node, the field and the
 * received value; the BMC password is never echoed.
 */
export function readNodeFile(file: string): NodeFile {
  return withDepthGuard(file, "node file", () => readNodeFileUnguarded(file));
}

function readNodeFileUnguarded(file: string): NodeFile {
  const text = readInputText(file, "nodes", "node file (JSON)");
  const raw: unknown = parseJsonText(file, text, "node file");
  /** FILE:LINE:COL of a key path in the file (its deepest part that exists). */
  const locate = jsonLocator(oneLine(file), text);
  const list = (raw as { nodes?: unknown } | null)?.nodes;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || !Array.isArray(list)) {
    throw new LabInputError(file, [`${file}: must be a JSON object with a "nodes" list (instackenv format)`]);
  }
  const extraTop = Object.keys(raw).filter((k) => k !== "nodes" && k !== "bmc_passwords");
  const problems: string[] = extraTop.map((k) => `${locate([k])}: ${keyPathText([k])}: is not a known top-level field (only "nodes" and "bmc_passwords")${didYouMean(k, ["nodes", "bmc_passwords"])}`);
  const marker = (raw as { bmc_passwords?: unknown }).bmc_passwords;
  if (marker !== undefined && marker !== BMC_PASSWORDS_APPLY_TIME) {
    problems.push(`${locate(["bmc_passwords"])}: bmc_passwords: must be "${BMC_PASSWORDS_APPLY_TIME}" (the passwords are not in this file) or left out (got ${shown(marker)})`);
  }
  /** The file says its passwords come at apply time (LABCDK_BMC_PASSWORD_FILE or LABCDK_BMC_PASSWORD_<NAME>), as `labcdk import` writes it. */
  const passwordsElsewhere = marker === BMC_PASSWORDS_APPLY_TIME;
  if (list.length === 0) problems.push(`${locate(["nodes"])}: nodes: lists no node`);
  const warnings: string[] = [];
  const nodes: BaremetalNodeDefinition[] = [];
  /** name → node number; MAC → node; BMC identity → node, as shown in messages. */
  const namesSeen = new Map<string, number>();
  /** Environment-variable form of each name (LABCDK_BMC_PASSWORD_<NAME>, LABCDK_NODE_<NAME>) → the name. */
  const variablesSeen = new Map<string, string>();
  const macsSeen = new Map<string, string>();
  const bmcSeen = new Map<string, string>();

  list.forEach((entry, index) => {
    const named = typeof (entry as { name?: unknown })?.name === "string";
    const label = named ? `node ${shown((entry as { name: string }).name)}` : `node #${index + 1}`;
    const before = problems.length;
    /** One problem: FILE:LINE:COL: node N: FIELD: MESSAGE (got VALUE)AFTER; never the password's value. */
    const report = (field: string, message: string, value?: unknown, after = "") => {
      const keyPath = field === "(node)" ? [] : field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      problems.push(`${locate(["nodes", index, ...keyPath])}: ${label}: ${field === "(node)" ? field : keyPathText(keyPath)}: ${message}${value === undefined || field === "pm_password" ? "" : ` (got ${shown(value)})`}${after}`);
    };

    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      report("(node)", "must be a JSON object", entry);
      return;
    }
    const n: Parsed = {};
    const interfaces: Record<string, string> = {};
    for (const [key, value] of Object.entries(entry)) {
      const iface = /^([a-z]+)_interface$/.exec(key);
      if (iface) {
        if (!(HARDWARE_INTERFACES as readonly string[]).includes(iface[1])) report(key, `is not an Ironic hardware interface (known: ${HARDWARE_INTERFACES.map((i) => `${i}_interface`).join(", ")})`);
        else if (typeof value !== "string" || value === "") report(key, "must be a non-empty string", value);
        else interfaces[key] = value;
        continue;
      }
      if (!(key in FIELDS)) {
        report(key, `is not a known node field${didYouMean(key, [...Object.keys(FIELDS), ...HARDWARE_INTERFACES.map((i) => `${i}_interface`)]) || " (see the node file reference, docs/node-file.md)"}`);
        continue;
      }
      const result = FIELDS[key as FieldName].safeParse(value, { error: zodIssueWords });
      if (result.success) {
        (n as Record<string, unknown>)[key] = result.data;
      } else {
        for (const issue of result.error.issues) {
          const where = [key, ...issue.path].join(".");
          const received = issue.path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
          if (issue.code === "unrecognized_keys") issue.keys.forEach((k) => report(`${where}.${k}`, "is not a known field"));
          else report(where, issue.message, received, choiceSuggestion(issue, received));
        }
      }
    }
    if (!("name" in entry)) report("name", "is required (it becomes the Ironic node name and the Terraform address)");
    if (!("pm_type" in entry)) report("pm_type", `is required (one of ${HARDWARE_TYPES.join(", ")})`);

    if (n.name !== undefined) {
      const variable = nodeVariableSuffix(n.name);
      if (namesSeen.has(n.name)) report("name", `duplicates node #${namesSeen.get(n.name)}`, n.name);
      else if (variablesSeen.has(variable)) report("name", `reads as node "${variablesSeen.get(variable)}" in environment variables (LABCDK_BMC_PASSWORD_${variable}): rename one`, n.name);
      else {
        namesSeen.set(n.name, index + 1);
        variablesSeen.set(variable, n.name);
      }
    }

    let driver = n.pm_type;
    let classicDriver: string | undefined;
    if (driver !== undefined && CLASSIC_DRIVERS[driver]) {
      classicDriver = driver;
      driver = CLASSIC_DRIVERS[driver];
      warnings.push(`${file}: ${label}: pm_type: classic driver "${classicDriver}" is mapped to the hardware type "${driver}" (classic drivers were removed from Ironic in Rocky)`);
    } else if (driver !== undefined && !(HARDWARE_TYPES as readonly string[]).includes(driver)) {
      report("pm_type", `is not a supported driver (use one of ${HARDWARE_TYPES.join(", ")}, or a classic name such as pxe_ipmitool)`, driver);
    }
    if (driver !== undefined && BMC_DRIVERS.includes(driver)) {
      for (const field of ["pm_addr", "pm_user", ...(passwordsElsewhere ? [] : ["pm_password"])] as const) {
        if (!(field in entry)) report(field, `is required for driver ${driver}`);
      }
      if (passwordsElsewhere && "pm_password" in entry) report("pm_password", `the file says "bmc_passwords": "${BMC_PASSWORDS_APPLY_TIME}": remove the password, or the marker`);
    }
    if (driver === "redfish" && !("pm_system_id" in entry)) report("pm_system_id", "is required for driver redfish (the Redfish system path, e.g. /redfish/v1/Systems/1)");
    if (driver !== undefined && BMC_DRIVERS.includes(driver)) {
      if (!SYSTEM_ID_DRIVERS.includes(driver) && n.pm_system_id !== undefined) report("pm_system_id", `is used by redfish and idrac only, not ${driver}`, n.pm_system_id);
      if (!PORT_DRIVERS.includes(driver) && n.pm_port !== undefined) report("pm_port", `is not a field of driver ${driver}: write the port in pm_addr (https://host:port)`, n.pm_port);
    } else if (driver !== undefined && (HARDWARE_TYPES as readonly string[]).includes(driver)) {
      for (const field of BMC_FIELDS) {
        if (field in entry) report(field, `is not used by driver ${driver} (it has no BMC; TripleO drops it too): remove it`);
      }
    }
    if (n.platform !== undefined && n.arch === undefined) report("platform", "needs arch as well (as TripleO requires)", n.platform);

    const ports: BaremetalPort[] = [
      ...(n.mac ?? []).map((address) => ({ address: address.toLowerCase() })),
      ...(n.ports ?? []).map((p) => ({
        address: p.address.toLowerCase(),
        ...(p.physical_network !== undefined ? { physicalNetwork: p.physical_network } : {}),
        ...(p.local_link_connection !== undefined ? { localLinkConnection: p.local_link_connection as Record<string, string> } : {}),
      })),
    ];
    const macs = ports.map((p) => p.address);
    if (!("mac" in entry) && !("ports" in entry) && driver !== undefined && driver !== "fake-hardware") report("ports", "lists no MAC address (give ports, or the legacy mac list)");
    if (n.mac !== undefined) warnings.push(`${file}: ${label}: mac: the legacy "mac" list is read; TripleO from Wallaby on accepts only "ports" ([{"address": ...}])`);
    const macFields = [...(n.mac ?? []).map((_, i) => `mac.${i}`), ...(n.ports ?? []).map((_, i) => `ports.${i}.address`)];
    for (const [i, mac] of macs.entries()) {
      const other = macsSeen.get(mac);
      if (other !== undefined) report(macFields[i], `is also used by ${other}`, mac);
      else macsSeen.set(mac, `node #${index + 1} "${n.name ?? "?"}"`);
    }
    if (n.pm_addr !== undefined) {
      const identity = [n.pm_addr.toLowerCase(), n.pm_port ?? "", driver === "redfish" ? n.pm_system_id ?? "" : ""].join("|");
      const other = bmcSeen.get(identity);
      if (other !== undefined) report("pm_addr", `the same BMC (address, port${driver === "redfish" ? ", system id" : ""}) is used by ${other}`, n.pm_addr);
      else bmcSeen.set(identity, `node #${index + 1} "${n.name ?? "?"}"`);
    }
    if (n.memory !== undefined && n.memory < 256) warnings.push(`${file}: ${label}: memory: ${n.memory} is in MB; did you mean ${n.memory * 1024} (the value in GB × 1024)?`);

    let capabilities: Record<string, string> = {};
    if (typeof n.capabilities === "string") {
      const parsed = parseCapabilities(n.capabilities);
      if (parsed === undefined) report("capabilities", 'must be "key:value" pairs separated by commas, e.g. "profile:compute,boot_option:local"', n.capabilities);
      else capabilities = parsed;
    } else if (n.capabilities) {
      capabilities = { ...n.capabilities };
    }
    if (n.profile !== undefined) {
      if (capabilities.profile !== undefined && capabilities.profile !== n.profile) report("profile", `contradicts capabilities profile:${capabilities.profile}`, n.profile);
      capabilities.profile = n.profile;
    }
    if (n.root_device !== undefined) {
      for (const [hint, value] of Object.entries(n.root_device)) {
        if (!(ROOT_DEVICE_HINTS as readonly string[]).includes(hint)) report(`root_device.${hint}`, `is not a root device hint (known: ${ROOT_DEVICE_HINTS.join(", ")})`);
        else if (hint === "rotational" && typeof value !== "boolean") report("root_device.rotational", "must be true or false", value);
        else if (hint === "size" && !(Number.isInteger(value) || (typeof value === "string" && /^(<=|>=|==|!=|<|>)?\s*\d+$/.test(value)))) report("root_device.size", 'must be a size in GiB, or an operator and a size such as ">= 100"', value);
      }
    }

    if (problems.length > before || n.name === undefined || driver === undefined) return;
    nodes.push({
      name: n.name,
      driver,
      classicDriver,
      bmcAddress: n.pm_addr,
      bmcPort: n.pm_port,
      bmcUsername: n.pm_user,
      bmcSystemId: n.pm_system_id,
      macs,
      ports,
      cpus: n.cpu,
      memoryMb: n.memory,
      localGb: n.disk,
      cpuArch: n.arch,
      capabilities,
      resourceClass: n.resource_class,
      interfaces,
      rootDevice: n.root_device,
      platform: n.platform,
      conductorGroup: n.conductor_group,
      kernelImage: n.kernel_id,
      ramdiskImage: n.ramdisk_id,
    });
  });

  if (problems.length > 0) throw new LabInputError(file, problems);
  return { nodes, warnings };
}

/** The nodes of a node file (see `readNodeFile`). */
export function loadNodeFile(file: string): BaremetalNodeDefinition[] {
  return readNodeFile(file).nodes;
}
