/**
 * Loading a lab file: YAML → schema check → cross-references → `Lab`.
 *
 * Every problem is reported at once with `FILE:LINE:COL: PATH: WHAT (got VALUE)`,
 * before anything touches a cloud.
 */
import * as path from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { LabInputError, shown, valueAt } from "./errors";
import { readInputText, withDepthGuard } from "./input-file";
import { BaremetalNodeDefinition, loadNodeFile } from "./instackenv";
import { networkChecks, Problem } from "./network-checks";
import { roleCoverage } from "./model";
import { projectRoot } from "./project-root";
import { LabFile, LabSchema, LEGACY_ROLE_FLAGS } from "./schema";

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

export function loadLab(file: string): Lab {
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
    return file;
  };

  const parsed = LabSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LabInputError(
      file,
      parsed.error.issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
          return issue.keys.map((key) => `${where([...issue.path, key])}: ${[...issue.path, key].join(".")}: is not a known field (check the spelling; see README "Lab file")`);
        }
        const value = valueAt(raw, issue.path);
        return [`${where(issue.path)}: ${issue.path.join(".") || "(top level)"}: ${issue.message}${value === undefined ? "" : ` (got ${shown(value)})`}`];
      }),
    );
  }
  const lab = parsed.data;
  const problems = [...crossCheck(lab), ...networkChecks(lab)].map(([keyPath, message]) => `${where(keyPath)}: ${keyPath.join(".")}: ${message}`);

  const nodeFile = path.resolve(path.dirname(absolute), lab.baremetal.nodeFile);
  let nodes: BaremetalNodeDefinition[] = [];
  let nodeFileLoaded = true;
  try {
    nodes = loadNodeFile(nodeFile);
  } catch (error) {
    if (!(error instanceof LabInputError)) throw error;
    problems.push(...error.problems);
    nodeFileLoaded = false;
  }
  const nodeNames = new Set(nodes.map((n) => n.name));
  for (const name of Object.keys(lab.baremetal.nodes)) {
    if (nodes.length > 0 && !nodeNames.has(name)) {
      const keyPath = ["baremetal", "nodes", name];
      problems.push(`${where(keyPath)}: ${keyPath.join(".")}: names no node of ${lab.baremetal.nodeFile} (it has ${[...nodeNames].join(", ")})`);
    }
  }

  // A node file that did not load has its own problems listed; counting its nodes would only repeat them.
  if (nodeFileLoaded) {
    for (const [keyPath, message] of roleCoverageProblems(lab, nodes)) problems.push(`${where(keyPath)}: ${keyPath.join(".")}: ${message}`);
  }

  if (problems.length > 0) throw new LabInputError(file, problems);
  return { ...lab, file: absolute, nodeFile, nodes };
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

/** References between parts of the lab file: every name used is defined. */
function crossCheck(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const hosts = lab.overcloud.computeHosts;
  const hostList = hosts.join(", ");
  const externalNetworks = Object.entries(lab.networks).filter(([, n]) => n.external).map(([name]) => name);

  for (const [name, instance] of Object.entries(lab.instances)) {
    const at = ["instances", name];
    if (!hosts.includes(instance.host)) {
      problems.push([[...at, "host"], `is not a compute host of this lab (overcloud.computeHosts: ${hostList}) (got ${shown(instance.host)})`]);
    }
    if (!(instance.network in lab.networks)) {
      problems.push([[...at, "network"], `is not a network of this lab (networks: ${Object.keys(lab.networks).join(", ") || "none"}) (got ${shown(instance.network)})`]);
    } else if (lab.networks[instance.network].external) {
      problems.push([[...at, "network"], `is an external network; instances go on a private network and reach out through a floating IP (got ${shown(instance.network)})`]);
    }
    if (instance.floatingIp && !externalNetworks.includes(instance.floatingIp.pool)) {
      problems.push([[...at, "floatingIp", "pool"], `is not an external network of this lab (external networks: ${externalNetworks.join(", ") || "none"}) (got ${shown(instance.floatingIp.pool)})`]);
    }
    if (instance.migration) {
      if (!hosts.includes(instance.migration.to)) {
        problems.push([[...at, "migration", "to"], `is not a compute host of this lab (overcloud.computeHosts: ${hostList}) (got ${shown(instance.migration.to)})`]);
      }
      if (instance.migration.to === instance.host) {
        problems.push([[...at, "migration", "to"], `is the host the instance boots on; remove the migration or name another host (got ${shown(instance.migration.to)})`]);
      }
    }
  }
  problems.push(...adoptionProblems(lab));
  for (const [name, router] of Object.entries(lab.routers)) {
    if (!externalNetworks.includes(router.externalNetwork)) {
      problems.push([["routers", name, "externalNetwork"], `is not an external network of this lab (got ${shown(router.externalNetwork)})`]);
    }
    router.interfaces.forEach((network, i) => {
      if (!(network in lab.networks)) problems.push([["routers", name, "interfaces", i], `is not a network of this lab (got ${shown(network)})`]);
    });
  }
  if (lab.overcloud.dialect === "legacy-flags") {
    for (const role of Object.keys(lab.overcloud.roles)) {
      if (!LEGACY_ROLE_FLAGS[role]) {
        problems.push([["overcloud", "roles", role], `the legacy-flags dialect has no --*-scale flag for this role (it knows ${Object.keys(LEGACY_ROLE_FLAGS).join(", ")}); use dialect parameter-defaults or node-provision`]);
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
  const { introspectionPollSeconds: poll, introspectionTimeoutSeconds: timeout } = lab.baremetal;
  if (poll > timeout) {
    problems.push([["baremetal", "introspectionPollSeconds"], `is longer than the wait it polls (introspectionTimeoutSeconds ${timeout}); poll more often than the whole wait (got ${poll})`]);
  }
  const duplicateHosts = hosts.filter((h, i) => hosts.indexOf(h) !== i);
  for (const host of new Set(duplicateHosts)) problems.push([["overcloud", "computeHosts"], `lists ${shown(host)} twice`]);
  return problems;
}
