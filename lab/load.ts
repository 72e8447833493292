/**
 * Loading a lab file: YAML → schema check → cross-references → `Lab`.
 *
 * Every problem is reported at once with `FILE:LINE:COL: PATH: WHAT (got VALUE)`,
 * before anything touches a cloud.
 */
import * as path from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type * as z from "zod";
import { keyPathText, LabInputError, oneLine, shown, valueAt } from "./errors";
import { missingFile, readInputText, withDepthGuard } from "./input-file";
import { BaremetalNodeDefinition, loadNodeFile } from "./instackenv";
import { networkChecks, Problem } from "./network-checks";
import { roleCoverage } from "./model";
import { projectRoot } from "./project-root";
import { LabFile, LabSchema, LEGACY_ROLE_FLAGS } from "./schema";
import { choiceSuggestion, didYouMean, knownFields, zodIssueWords } from "./words";

/** A validated lab, with its node file read and paths resolved. */
export interface Lab extends LabFile {
  /** Absolute path of the lab file. */
  readonly file: string;
  /** Absolute path of the node file. */
  readonly nodeFile: string;
  /** The nodes of the node file, validated, in file order. */
  readonly nodes: readonly BaremetalNodeDefinition[];
}

/** The built-in classroom lab (the runbook's `lab_` variant). */
export const DEFAULT_LAB_FILE = path.join(projectRoot(), "labs", "classroom", "lab.yaml");

/** The lab file a run uses: `LAB_CONFIG` when set, else the built-in classroom lab. */
export function labFileFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_CONFIG ? path.resolve(env.LAB_CONFIG) : DEFAULT_LAB_FILE;
}

/**
 * Loads and checks a lab file. `origin` says where its path came from when
 * that is not the command line (`LAB_CONFIG`), for the message when it is missing.
 */
export function loadLab(file: string, origin?: string): Lab {
  const notThere = missingFile(path.resolve(file), "lab file (YAML)");
  if (notThere !== undefined) throw new LabInputError(file, [`${oneLine(file)}${origin ? ` (from ${origin})` : ""}: ${notThere}`]);
  return withDepthGuard(file, "lab file", () => loadLabUnguarded(file));
}

/** YAML aliases a lab file may expand: a few anchors are handy, thousands are an attack. */
const MAX_ALIAS_COUNT = 100;

function loadLabUnguarded(file: string): Lab {
  const absolute = path.resolve(file);
  const text = readInputText(absolute, "lab", "lab file (YAML)");

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new LabInputError(
      file,
      // Depth: the parser reports each level it unwinds; one line says it.
      (doc.errors.some((e) => /Maximum call stack/.test(e.message)) ? doc.errors.slice(0, 1) : doc.errors).map((e) => {
        const what = /Maximum call stack/.test(e.message) ? "nests too deeply to be a lab file" : e.message.split("\n")[0];
        return `${file}:${e.linePos?.[0].line ?? "?"}:${e.linePos?.[0].col ?? "?"}: ${what}`;
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml library refuses alias bombs with a ReferenceError ("Excessive alias count").
    if (!(error instanceof ReferenceError)) throw error;
    throw new LabInputError(file, [`${file}: its YAML aliases (*name) expand to too much data (more than ${MAX_ALIAS_COUNT} expansions); write the values out`]);
  }
  if (raw === null || raw === undefined) throw new LabInputError(file, [`${file}: is empty; a lab file is a YAML mapping with at least name, baremetal and overcloud (see labs/classroom/lab.yaml)`]);
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new LabInputError(file, [`${file}: is a YAML ${Array.isArray(raw) ? "list" : typeof raw}, not a mapping of lab settings (name, baremetal, overcloud, ...; see labs/classroom/lab.yaml)`]);
  }
  // FILE:LINE:COL of a key path: the key itself where it exists, else the deepest existing parent.
  const where = (keyPath: readonly PropertyKey[]): string => {
    for (let depth = keyPath.length; depth > 0; depth--) {
      const parent = depth === 1 ? doc.contents : doc.getIn(keyPath.slice(0, depth - 1) as unknown[], true);
      if (!isMap(parent)) continue;
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(keyPath[depth - 1]));
      if (pair && isScalar(pair.key) && pair.key.range) {
        const { line, col } = lineCounter.linePos(pair.key.range[0]);
        return `${file}:${line}:${col}`;
      }
    }
    return `${file}:1:1`;
  };

  const schemaProblems: string[] = [];
  const parsed = LabSchema.safeParse(raw, { error: zodIssueWords });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const known = knownFields(LabSchema, issue.path, raw);
        for (const key of issue.keys) {
          schemaProblems.push(`${where([...issue.path, key])}: ${keyPathText([...issue.path, key])}: is not a known field${didYouMean(key, known) || ` (known here: ${known.join(", ")})`}`);
        }
        continue;
      }
      const value = valueAt(raw, issue.path);
      const required = value === undefined;
      schemaProblems.push(`${where(issue.path)}: ${keyPathText(issue.path) || "(top level)"}: ${issue.message}${required || issue.code === "invalid_key" ? "" : ` (got ${shown(value)})`}${choiceSuggestion(issue, value)}`);
    }
  }
  // Every problem in one round: the cross-checks run on each part of the file
  // that the schema accepted (a check whose parts did not parse is left out,
  // its parts' own problems are listed).
  const { lab, valid } = parsed.success ? { lab: parsed.data, valid: everyPart() } : sectionsOf(raw as Record<string, unknown>);
  const problems = [...schemaProblems, ...crossChecks(lab, valid).map(([keyPath, message]) => `${where(keyPath)}: ${keyPathText(keyPath)}: ${message}`)];

  if (!valid.has("baremetal.nodeFile") || !valid.has("baremetal.nodes")) throw new LabInputError(file, problems);
  const nodeFile = path.resolve(path.dirname(absolute), lab.baremetal.nodeFile);
  let nodes: BaremetalNodeDefinition[] = [];
  let nodeFileLoaded = false;
  const notThere = missingFile(nodeFile, "node file (JSON)");
  if (notThere !== undefined) {
    problems.push(`${where(["baremetal", "nodeFile"])}: baremetal.nodeFile: names ${shown(lab.baremetal.nodeFile)} (${oneLine(nodeFile)}), which ${notThere}; correct the path (relative to the lab file's folder) or put the node file there`);
  } else {
    try {
      nodes = loadNodeFile(nodeFile);
      nodeFileLoaded = true;
    } catch (error) {
      if (!(error instanceof LabInputError)) throw error;
      problems.push(...error.problems);
    }
  }
  const nodeNames = new Set(nodes.map((n) => n.name));
  for (const name of Object.keys(lab.baremetal.nodes)) {
    if (nodes.length > 0 && !nodeNames.has(name)) {
      const keyPath = ["baremetal", "nodes", name];
      problems.push(`${where(keyPath)}: ${keyPathText(keyPath)}: names no node of ${oneLine(lab.baremetal.nodeFile)} (it has ${[...nodeNames].join(", ")})${didYouMean(name, [...nodeNames])}`);
    }
  }

  // A node file that did not load has its own problems listed; counting its nodes would only repeat them.
  if (nodeFileLoaded && ["overcloud.deploy", "overcloud.roles", "baremetal.existingNodes"].every((part) => valid.has(part))) {
    for (const [keyPath, message] of roleCoverageProblems(lab, nodes)) problems.push(`${where(keyPath)}: ${keyPathText(keyPath)}: ${message}`);
  }

  if (problems.length > 0) throw new LabInputError(file, problems);
  return { ...lab, file: absolute, nodeFile, nodes };
}

/**
 * The parts of a lab file that the schema accepts, when it refused the whole:
 * each top-level section parsed on its own, each field of a section that is
 * a mapping of settings, and each entry of a section that is a mapping of
 * names (instances, networks, ...), with their defaults, so that the
 * cross-checks can look at them in the same round. `valid` holds "section"
 * (all of it valid), "section.field", and "section*" (its valid entries kept:
 * enough for a check that goes through them, not for one that looks names up).
 */
function sectionsOf(raw: Record<string, unknown>): { lab: LabFile; valid: Set<string> } {
  const lab: Record<string, unknown> = {};
  const valid = new Set<string>();
  for (const [key, schema] of Object.entries(LabSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(raw[key]);
    const fields = objectShape(schema as z.ZodType);
    if (result.success) {
      lab[key] = result.data;
      valid.add(key);
      valid.add(`${key}*`);
      for (const field of Object.keys(fields ?? {})) valid.add(`${key}.${field}`);
      continue;
    }
    const section = raw[key];
    if (section === null || typeof section !== "object" || Array.isArray(section)) continue;
    const entries = recordValues(schema as z.ZodType);
    if (entries) {
      lab[key] = Object.fromEntries(
        Object.entries(section).flatMap(([name, value]) => {
          const parsed = entries.safeParse(value);
          return parsed.success ? [[name, parsed.data]] : [];
        }),
      );
      valid.add(`${key}*`);
      continue;
    }
    if (!fields) continue;
    const partial: Record<string, unknown> = {};
    for (const [field, fieldSchema] of Object.entries(fields)) {
      const parsed = fieldSchema.safeParse((section as Record<string, unknown>)[field]);
      if (!parsed.success) continue;
      partial[field] = parsed.data;
      valid.add(`${key}.${field}`);
    }
    lab[key] = partial;
  }
  return { lab: lab as LabFile, valid };
}

/** Every "section" and "section.field" of a lab file: all valid, when the schema accepted the whole. */
function everyPart(): Set<string> {
  return new Set(Object.entries(LabSchema.shape).flatMap(([key, schema]) => [key, `${key}*`, ...Object.keys(objectShape(schema as z.ZodType) ?? {}).map((field) => `${key}.${field}`)]));
}

/** The schema of a record's values (through a default or optional), or undefined when it is not a record. */
function recordValues(schema: z.ZodType): z.ZodType | undefined {
  const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; valueType?: z.ZodType } } })._zod.def;
  if (def.type === "record") return def.valueType;
  return def.innerType ? recordValues(def.innerType) : undefined;
}

/** The fields of an object schema (through a default or optional), or undefined. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } } })._zod.def;
  if (def.type === "object") return def.shape;
  return def.innerType ? objectShape(def.innerType) : undefined;
}

/** The cross-checks, each with the parts of the lab file it reads ("section" or "section.field"): it runs when they are all valid. */
const CROSS_CHECKS: ReadonlyArray<{ reads: readonly string[]; check: (lab: LabFile) => Problem[] }> = [
  { reads: ["instances*", "overcloud.computeHosts"], check: instanceHosts },
  { reads: ["instances*", "networks"], check: instanceNetworks },
  { reads: ["instances", "securityGroup"], check: adoptionProblems },
  { reads: ["routers*", "networks"], check: routerReferences },
  { reads: ["overcloud.dialect", "overcloud.roles", "overcloud.computeHosts"], check: overcloudChecks },
  { reads: ["baremetal.introspectionPollSeconds", "baremetal.introspectionTimeoutSeconds"], check: baremetalChecks },
  { reads: ["networks", "instances*", "routers*"], check: networkChecks },
];

function crossChecks(lab: LabFile, valid: ReadonlySet<string>): Problem[] {
  return CROSS_CHECKS.filter(({ reads }) => reads.every((part) => valid.has(part))).flatMap(({ check }) => check(lab));
}

/**
 * Every role count is covered by Ironic nodes tagged with the role's profile
 * (`roleCoverage`: the node file's nodes by their effective capabilities,
 * plus baremetal.existingNodes). A deploy asking for more nodes than that
 * would fail after an hour of Heat with "No valid host".
 */
function roleCoverageProblems(lab: LabFile, nodes: readonly BaremetalNodeDefinition[]): Problem[] {
  if (!lab.overcloud.deploy) return [];
  const problems: Problem[] = [];
  const inNodeFile = new Set(nodes.map((node) => node.name));
  for (const name of Object.keys(lab.baremetal.existingNodes)) {
    if (inNodeFile.has(name)) problems.push([["baremetal", "existingNodes", name], `is also a node of ${lab.baremetal.nodeFile}; list a node in one place only`]);
  }
  for (const { role, profile, count, tagged } of roleCoverage(lab, nodes)) {
    if (tagged.length < count) {
      problems.push([
        ["overcloud", "roles", role, "count"],
        `${role} needs ${count} node(s) tagged profile:${profile} but the lab has ${tagged.length}${tagged.length ? ` (${tagged.join(", ")})` : ""}: ` +
          `${count - tagged.length} short. Tag more nodes (baremetal.nodes.<name>.capabilities.profile), list nodes registered elsewhere in baremetal.existingNodes, or lower the count`,
      ]);
    }
  }
  return problems;
}

/**
 * `adopt:` fields (written by `labcdk import`) agree with the rest of the lab:
 * an adopted floating IP belongs to an instance that has one, an adopted rule
 * to a rule the lab wants, and no id is adopted twice (two Terraform
 * resources importing one OpenStack object would fight over it).
 */
function adoptionProblems(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const once = (at: (string | number)[], id: string) => {
    const other = seen.get(id);
    if (other !== undefined) problems.push([at, `adopts ${id}, which ${other} adopts too; an OpenStack object is adopted once`]);
    else seen.set(id, at.join("."));
  };
  for (const [name, instance] of Object.entries(lab.instances)) {
    const adopt = instance.adopt;
    if (!adopt) continue;
    const at = ["instances", name, "adopt"];
    once([...at, "serverId"], adopt.serverId);
    once([...at, "portId"], adopt.portId);
    if (adopt.floatingIpId !== undefined) {
      once([...at, "floatingIpId"], adopt.floatingIpId);
      if (!instance.floatingIp) problems.push([[...at, "floatingIpId"], `adopts a floating IP but the instance has no floatingIp; add floatingIp (pool, address) or remove floatingIpId (got ${shown(adopt.floatingIpId)})`]);
    }
  }
  const group = lab.securityGroup;
  if (group.adopt?.icmpRuleId !== undefined) {
    once(["securityGroup", "adopt", "icmpRuleId"], group.adopt.icmpRuleId);
    if (!group.allowIcmp) problems.push([["securityGroup", "adopt", "icmpRuleId"], `adopts an ICMP rule but allowIcmp is false; set allowIcmp: true or remove icmpRuleId (got ${shown(group.adopt.icmpRuleId)})`]);
  }
  if (group.adopt?.sshRuleId !== undefined) {
    once(["securityGroup", "adopt", "sshRuleId"], group.adopt.sshRuleId);
    if (!group.allowSsh) problems.push([["securityGroup", "adopt", "sshRuleId"], `adopts an SSH rule but allowSsh is false; set allowSsh: true or remove sshRuleId (got ${shown(group.adopt.sshRuleId)})`]);
  }
  return problems;
}

/** Instances boot on, and migrate to, compute hosts of the lab. */
function instanceHosts(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const hosts = lab.overcloud.computeHosts;
  const hostList = hosts.join(", ");
  for (const [name, instance] of Object.entries(lab.instances)) {
    const at = ["instances", name];
    if (!hosts.includes(instance.host)) {
      problems.push([[...at, "host"], `is not a compute host of this lab (overcloud.computeHosts: ${hostList}) (got ${shown(instance.host)})${didYouMean(instance.host, hosts)}`]);
    }
    if (instance.migration) {
      if (!hosts.includes(instance.migration.to)) {
        problems.push([[...at, "migration", "to"], `is not a compute host of this lab (overcloud.computeHosts: ${hostList}) (got ${shown(instance.migration.to)})${didYouMean(instance.migration.to, hosts)}`]);
      }
      if (instance.migration.to === instance.host) {
        problems.push([[...at, "migration", "to"], `is the host the instance boots on; remove the migration or name another host (got ${shown(instance.migration.to)})`]);
      }
    }
  }
  return problems;
}

/** Instances are on a private network of the lab, their floating IPs from an external one. */
function instanceNetworks(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const externalNetworks = Object.entries(lab.networks).filter(([, n]) => n.external).map(([name]) => name);
  const networks = Object.keys(lab.networks);
  for (const [name, instance] of Object.entries(lab.instances)) {
    const at = ["instances", name];
    if (!(instance.network in lab.networks)) {
      problems.push([[...at, "network"], `is not a network of this lab (networks: ${networks.join(", ") || "none"}) (got ${shown(instance.network)})${didYouMean(instance.network, networks)}`]);
    } else if (lab.networks[instance.network].external) {
      problems.push([[...at, "network"], `is an external network; instances go on a private network and reach out through a floating IP (got ${shown(instance.network)})`]);
    }
    if (instance.floatingIp && !externalNetworks.includes(instance.floatingIp.pool)) {
      problems.push([[...at, "floatingIp", "pool"], `is not an external network of this lab (external networks: ${externalNetworks.join(", ") || "none"}) (got ${shown(instance.floatingIp.pool)})${didYouMean(instance.floatingIp.pool, externalNetworks)}`]);
    }
  }
  return problems;
}

/** Routers attach to an external network of the lab and to its networks. */
function routerReferences(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const externalNetworks = Object.entries(lab.networks).filter(([, n]) => n.external).map(([name]) => name);
  for (const [name, router] of Object.entries(lab.routers)) {
    if (!externalNetworks.includes(router.externalNetwork)) {
      problems.push([["routers", name, "externalNetwork"], `is not an external network of this lab (got ${shown(router.externalNetwork)})${didYouMean(router.externalNetwork, externalNetworks)}`]);
    }
    router.interfaces.forEach((network, i) => {
      if (!(network in lab.networks)) problems.push([["routers", name, "interfaces", i], `is not a network of this lab (got ${shown(network)})${didYouMean(network, Object.keys(lab.networks))}`]);
    });
  }
  return problems;
}

/** The overcloud's roles fit its dialect, removed nodes are named once and leave computeHosts, hosts are listed once. */
function overcloudChecks(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const hosts = lab.overcloud.computeHosts;
  if (lab.overcloud.dialect === "legacy-flags") {
    for (const role of Object.keys(lab.overcloud.roles)) {
      if (!LEGACY_ROLE_FLAGS[role]) {
        problems.push([["overcloud", "roles", role], `the legacy-flags dialect has no --*-scale flag for this role (it knows ${Object.keys(LEGACY_ROLE_FLAGS).join(", ")})${didYouMean(role, Object.keys(LEGACY_ROLE_FLAGS))}; use dialect parameter-defaults or node-provision`]);
      }
    }
  }
  const removed = new Set<string>();
  for (const [role, settings] of Object.entries(lab.overcloud.roles)) {
    settings.remove.forEach((node, i) => {
      const at = ["overcloud", "roles", role, "remove", i];
      if (removed.has(node.hostname)) problems.push([[...at, "hostname"], `names ${shown(node.hostname)} a second time`]);
      removed.add(node.hostname);
      if (node.computeHost && hosts.includes(node.computeHost)) {
        problems.push([[...at, "computeHost"], `leaves the overcloud, so it cannot stay in overcloud.computeHosts (instances are pinned or migrated only to hosts that remain) (got ${shown(node.computeHost)})`]);
      }
    });
  }
  const duplicateHosts = hosts.filter((h, i) => hosts.indexOf(h) !== i);
  for (const host of new Set(duplicateHosts)) problems.push([["overcloud", "computeHosts"], `lists ${shown(host)} twice`]);
  return problems;
}

/** The introspection wait is polled more often than it lasts. */
function baremetalChecks(lab: LabFile): Problem[] {
  const { introspectionPollSeconds: poll, introspectionTimeoutSeconds: timeout } = lab.baremetal;
  if (poll <= timeout) return [];
  return [[["baremetal", "introspectionPollSeconds"], `is longer than the wait it polls (introspectionTimeoutSeconds ${timeout}); poll more often than the whole wait (got ${poll})`]];
}
