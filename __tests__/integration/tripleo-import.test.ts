/**
 * Differential test against TripleO's own import and introspection, on the test bed's Ironic.
 *
 * GIVEN each node file of __tests__/fixtures/tripleo-import (legacy and modern
 * forms, every field the node file can carry, every hardware type the test
 * bed enables),
 * WHEN it goes through what a director runs — tripleo-common's
 * `register_all_nodes` (the code behind `openstack overcloud node import`),
 * then `openstack overcloud node introspect --all-manageable --provide`
 * (tripleo-ansible's introspection and provide modules:
 * tools/tripleo-introspect) — and, separately, through a labcdk apply
 * (register, manage, inspect, provide), and then both register the file's
 * `.update.json` (the file changed),
 * THEN Ironic's nodes and ports are compared field by field, and every
 * difference must be one docs/node-file.md documents in its table of differences
 * from TripleO ("What reaches Ironic", between the `tripleo-differences` markers), and every row of
 * that table must still be seen.
 *
 * Both inspections are real (ironic-inspector and the test bed's ramdisk
 * stand-in, which reports testbed/hardware.json: the corpus nodes are
 * described there as their files say), so what introspection wrote —
 * properties, capabilities from CPU flags, ports' pxe_enabled — and the states
 * the nodes end in are compared too. Left out: fields that record when or
 * where something happened rather than what it did (timestamps, the
 * conductor, its internal notes). Zed only: TripleO's introspection reads
 * ironic-inspector's data, which Epoxy's Ironic, inspecting by itself, has not.
 *
 * The `ipmi`, legacy `pxe_ipmitool` and `redfish` nodes of bmc-drivers.json have
 * simulated BMCs of the test bed (testbed/bmc, SIMULATED below): both
 * registrations get the file with only their pm_addr, pm_port and pm_system_id
 * pointed at them, so both take them through Ironic's real drivers, manage,
 * inspection and provide. The other BMC types' BMCs do not answer (nothing
 * listens): both registrations fail them at `manage`, and what Ironic records is
 * compared.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { loadLab } from "../../lab";
import { projectRoot } from "../../lab/project-root";
import { labApp } from "../../stacks/lab-app";
import { addBmc, removeBmc } from "../helpers/bmc";
import { describeWithTestbed, openstackMaybe, openstackTry, testbedEnv } from "../helpers/testbed";
import { tofu } from "../helpers/tofu";

const CORPUS = path.join(__dirname, "..", "fixtures", "tripleo-import");
const TRIPLEO = process.env.LABCDK_TRIPLEO_COMMON ?? path.join(os.homedir(), ".cache", "labcdk", "pypi", "tripleo-common");
const tripleoMissing = fs.existsSync(path.join(TRIPLEO, "tripleo_common", "utils", "nodes.py")) ? undefined : `${TRIPLEO} is missing (tools/fetch-tripleo-common.sh)`;
if (tripleoMissing) {
  if (process.env.LABCDK_REQUIRE_TRIPLEO === "1") throw new Error(`the TripleO import differential test is required (LABCDK_REQUIRE_TRIPLEO=1) but ${tripleoMissing}`);
  console.warn(`TripleO import differential test SKIPPED: ${tripleoMissing}`);
}

/** When or where something happened, not what: left out of the comparison (see the header). */
const NOT_COMPARED = new Set([
  "uuid", "created_at", "updated_at", "links", "ports", "portgroups", "states", "volume",
  "provision_updated_at", "reservation", "conductor", "driver_internal_info",
  "inspection_started_at", "inspection_finished_at",
]);
const PORT_NOT_COMPARED = new Set(["uuid", "node_uuid", "created_at", "updated_at", "links", "internal_info"]);
/** One difference: which registration, node, field path, and the two values. */
interface Difference {
  readonly scenario: "create" | "update";
  readonly node: string;
  readonly field: string;
  readonly tripleo: unknown;
  readonly labcdk: unknown;
}

type Node = Record<string, any>;

function python(script: string, args: string[]): string {
  const result = spawnSync("/usr/bin/python3", [path.join(projectRoot(), "tools", script), ...args], {
    encoding: "utf8",
    timeout: 180000,
    env: { ...process.env, ...testbedEnv, OS_CLOUD: "undercloud", PYTHONPATH: TRIPLEO },
  });
  if (result.status !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/**
 * `overcloud node introspect --all-manageable --provide` as TripleO runs it, on these nodes
 * (tools/tripleo-introspect/tripleo_introspect.py); what it reported per node.
 */
function tripleoIntrospect(names: string[]): void {
  const result = spawnSync("/usr/bin/python3", [path.join(projectRoot(), "tools", "tripleo-introspect", "tripleo_introspect.py"), ...names], {
    encoding: "utf8",
    timeout: 600000,
    env: { ...process.env, ...testbedEnv, OS_CLOUD: "undercloud", PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (result.status === null) throw new Error(`tripleo_introspect.py ${names.join(" ")} did not finish: ${result.error ?? result.signal}\n${result.stderr}`);
  // Exit 1 is a node that failed (the BMC nodes, whose BMC does not answer, never become manageable): the comparison tells.
  if (result.status > 1) throw new Error(`tripleo_introspect.py ${names.join(" ")} failed (exit ${result.status}):\n${result.stderr}`);
}

const dump = (names: string[]): Record<string, Node> => JSON.parse(python("tripleo-import/dump_nodes.py", names));

/** Corpus nodes whose BMC the test bed simulates (testbed/bmc), by node name: the BMC's driver. */
const SIMULATED: Readonly<Record<string, "ipmi" | "redfish">> = { "ti-ipmi": "ipmi", "ti-legacy-ipmi": "ipmi", "ti-redfish": "redfish" };

/**
 * FILE (and its .update.json) as both registrations get it: each SIMULATED node's pm_addr, pm_port and
 * pm_system_id pointed at a simulated BMC with the node's own user and password (started once, kept for the
 * run); written into DIR. Files without such nodes are used as they are.
 */
function onSimulatedBmcs(file: string, dir: string): { file: string; update: string } {
  const update = file.replace(/\.json$/, ".update.json");
  const nodes: Node[] = JSON.parse(fs.readFileSync(file, "utf8")).nodes;
  if (!nodes.some((n) => SIMULATED[n.name])) return { file, update };
  const reach: Record<string, Record<string, unknown>> = {};
  for (const node of nodes.filter((n) => SIMULATED[n.name])) {
    const fields = addBmc(node.name, SIMULATED[node.name], node.pm_password);
    expect(fields.pm_user).toBe(node.pm_user);
    reach[node.name] = { pm_addr: fields.pm_addr, ...(fields.pm_port ? { pm_port: fields.pm_port } : {}), ...(fields.pm_system_id ? { pm_system_id: fields.pm_system_id } : {}) };
  }
  const rewrite = (from: string, to: string) => {
    const doc = JSON.parse(fs.readFileSync(from, "utf8"));
    doc.nodes = doc.nodes.map((n: Node) => (reach[n.name] ? { ...n, ...reach[n.name] } : n));
    fs.writeFileSync(to, JSON.stringify(doc, null, 2));
  };
  const out = { file: path.join(dir, path.basename(file)), update: path.join(dir, path.basename(update)) };
  rewrite(file, out.file);
  if (fs.existsSync(update)) rewrite(update, out.update);
  return out;
}

function removeNodes(names: string[]): void {
  for (const name of names) {
    if (!openstackMaybe("undercloud", ["baremetal", "node", "show", name])) continue;
    openstackTry("undercloud", ["baremetal", "node", "manage", name, "--wait", "60"]);
    openstackTry("undercloud", ["baremetal", "node", "delete", name]);
  }
}

/**
 * A node as both registrations are compared: its own UUID in any text (Ironic's errors name it) is
 * `<node uuid>`, a Python object's address in an error (`<urllib3.connection.HTTPSConnection object
 * at 0x7f84...>`, a different one in each conductor call) is `0x<address>`, and its capabilities are in
 * one order (Ironic and Nova's filters read them as a set; labcdk writes them sorted by key, TripleO's
 * import as the file has them, introspection appends).
 */
function comparable(node: Node): Node {
  const text = JSON.stringify(node).split(node.uuid).join("<node uuid>").replace(/ object at 0x[0-9a-f]+>/g, " object at 0x<address>>");
  const out: Node = JSON.parse(text);
  if (typeof out.properties?.capabilities === "string") out.properties.capabilities = out.properties.capabilities.split(",").sort().join(",");
  return out;
}

/** Field-by-field differences of two nodes (dictionaries key by key; ports by MAC address). */
function compare(scenario: Difference["scenario"], tripleoNode: Node | undefined, labcdkNode: Node | undefined, name: string): Difference[] {
  const out: Difference[] = [];
  const add = (field: string, a: unknown, b: unknown) => out.push({ scenario, node: name, field, tripleo: a, labcdk: b });
  if (!tripleoNode || !labcdkNode) return [{ scenario, node: name, field: "(node)", tripleo: !!tripleoNode, labcdk: !!labcdkNode }];
  const [tripleo, labcdk] = [comparable(tripleoNode), comparable(labcdkNode)];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of [...new Set([...Object.keys(tripleo), ...Object.keys(labcdk)])].sort()) {
    if (NOT_COMPARED.has(key)) continue;
    const [a, b] = [tripleo[key], labcdk[key]];
    const isMap = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (isMap(a) && isMap(b)) {
      for (const sub of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) if (!same(a[sub], b[sub])) add(`${key}.${sub}`, a[sub], b[sub]);
    } else if (!same(a, b)) add(key, a, b);
  }
  const ports = (node: Node) => new Map<string, Node>(node.ports.map((p: Node) => [p.address, p]));
  const [tp, lp] = [ports(tripleo), ports(labcdk)];
  for (const address of [...new Set([...tp.keys(), ...lp.keys()])].sort()) {
    const [a, b] = [tp.get(address), lp.get(address)];
    if (!a || !b) {
      add("ports.(port)", a ? address : undefined, b ? address : undefined);
      continue;
    }
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!PORT_NOT_COMPARED.has(key) && !same(a[key], b[key])) add(`ports.${key}`, a[key], b[key]);
    }
  }
  return out;
}

/** A documented difference: docs/node-file.md's row, the fields it covers (`*` matches within a name) and the registrations it applies to. */
interface Documented {
  readonly row: string;
  readonly fields: RegExp[];
  readonly scenarios: readonly string[];
}

function documentedDifferences(): Documented[] {
  const readme = fs.readFileSync(path.join(projectRoot(), "docs", "node-file.md"), "utf8");
  const table = /<!-- tripleo-differences -->([\s\S]*?)<!-- \/tripleo-differences -->/.exec(readme)?.[1];
  if (!table) throw new Error("docs/node-file.md has no <!-- tripleo-differences --> table (section \"What reaches Ironic\")");
  return table
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [fields, scenarios] = line.split("|").slice(1, 3);
      return {
        row: line.slice(0, 80),
        fields: [...fields.matchAll(/`([^`]+)`/g)].map((m) => new RegExp(`^${m[1].split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^.]*")}$`)),
        scenarios: scenarios.split(",").map((s) => s.trim()),
      };
    });
}

/** A lab of the test bed whose node file is `nodeFile` (nothing else: no deploy, no instance). */
function writeLab(dir: string, nodeFile: string): string {
  fs.copyFileSync(nodeFile, path.join(dir, "nodes.json"));
  const lab = {
    name: "tripleo-import",
    baremetal: { nodeFile: "nodes.json", introspectionTimeoutSeconds: 120, introspectionPollSeconds: 2 },
    overcloud: { deploy: false, templatesDir: "/home/stack/templates", roles: {}, computeHosts: ["compute-0"] },
  };
  fs.writeFileSync(path.join(dir, "lab.yaml"), stringify(lab));
  return path.join(dir, "lab.yaml");
}

/** Synthesizes the lab into `outdir` (again, for an update: the state next to it stays) and applies it; returns tofu's output. */
function labcdkApply(labFile: string, outdir: string): { ok: boolean; output: string } {
  labApp(loadLab(labFile), { outdir }).app.synth();
  const dir = path.join(outdir, "stacks", "tripleo-import-undercloud");
  tofu(dir, ["init", "-input=false", "-no-color"], testbedEnv);
  try {
    const result = tofu(dir, ["apply", "-auto-approve", "-input=false", "-no-color"], testbedEnv);
    return { ok: true, output: result.stdout };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json") && !f.endsWith(".update.json")).sort();
const nodeNames = (file: string): string[] => JSON.parse(fs.readFileSync(path.join(CORPUS, file), "utf8")).nodes.map((n: Node) => n.name);

describe("the TripleO import corpus", () => {
  test("every BMC address is on the loopback: labcdk's apply goes on to `manage`, which asks the BMC", () => {
    for (const file of fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json"))) {
      for (const node of JSON.parse(fs.readFileSync(path.join(CORPUS, file), "utf8")).nodes) {
        if (node.pm_addr === undefined) continue;
        expect(`${file}: ${new URL(/:\/\//.test(node.pm_addr) ? node.pm_addr : `ipmi://${node.pm_addr}`).hostname}`).toMatch(/: 127\.\d+\.\d+\.\d+$/);
      }
    }
  });
});

(tripleoMissing ? describe.skip : describeWithTestbed)("labcdk enrols as TripleO's import and introspection do (tripleo-common 18.0.0, tripleo-ansible 6.0.0, on the test bed)", () => {
  jest.setTimeout(900000);
  const differences: Difference[] = [];
  const allNames = files.flatMap(nodeNames);
  beforeAll(() => removeNodes(allNames));
  afterAll(() => {
    removeNodes(allNames);
    for (const name of Object.keys(SIMULATED)) removeBmc(name);
  });

  for (const file of files) {
    const update = file.replace(/\.json$/, ".update.json");
    const hasUpdate = fs.existsSync(path.join(CORPUS, update));
    test(`${file}${hasUpdate ? ` then ${update}` : ""}: enrolled by both, compared`, () => {
      const names = nodeNames(file);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-tripleo-import-"));
      const given = onSimulatedBmcs(path.join(CORPUS, file), dir);
      // TripleO's import, its introspection and provide, then its re-import of the changed file.
      python("tripleo-import/tripleo_register.py", [given.file]);
      tripleoIntrospect(names);
      const tripleoCreate = dump(names);
      const tripleoUpdate = hasUpdate ? (python("tripleo-import/tripleo_register.py", [given.update]), dump(names)) : undefined;
      removeNodes(names);

      // labcdk's apply, then the apply of the changed file on the same state.
      const outdir = path.join(dir, "cdktf.out");
      const created = labcdkApply(writeLab(dir, given.file), outdir);
      // Nodes whose BMC does not answer (nothing listens on loopback) fail at `manage`, named; the others end available.
      const bmcNodes = names.filter((n) => !SIMULATED[n] && JSON.parse(fs.readFileSync(path.join(CORPUS, file), "utf8")).nodes.find((x: Node) => x.name === n).pm_addr);
      if (bmcNodes.length === 0 && !created.ok) throw new Error(`the labcdk apply of ${file} failed:\n${created.output}`);
      else for (const n of bmcNodes) expect(created.output).toContain(`error: node ${n}: manage failed`);
      for (const n of names.filter((x) => SIMULATED[x])) expect(created.output).toContain(`node ${n}: inspected and available; done`);
      const labcdkCreate = dump(names);
      let labcdkUpdate: Record<string, Node> | undefined;
      if (hasUpdate) {
        const updated = labcdkApply(writeLab(dir, given.update), outdir);
        if (!updated.ok) throw new Error(`the labcdk apply of ${update} failed:\n${updated.output}`);
        labcdkUpdate = dump(names);
      }
      tofu(path.join(outdir, "stacks", "tripleo-import-undercloud"), ["destroy", "-auto-approve", "-input=false", "-no-color"], testbedEnv);
      expect(dump(names)).toEqual({});

      for (const name of names) {
        differences.push(...compare("create", tripleoCreate[name], labcdkCreate[name], name));
        if (hasUpdate) differences.push(...compare("update", tripleoUpdate![name], labcdkUpdate![name], name));
      }
    });
  }

  test("every difference is documented in docs/node-file.md, and every documented difference is seen", () => {
    const documented = documentedDifferences();
    const covers = (d: Documented, x: Difference) => d.scenarios.includes(x.scenario) && d.fields.some((f) => f.test(x.field));
    const undocumented = differences.filter((x) => !documented.some((d) => covers(d, x)));
    expect(undocumented.map((x) => `${x.scenario} ${x.node} ${x.field}: TripleO ${JSON.stringify(x.tripleo)}, labcdk ${JSON.stringify(x.labcdk)}`)).toEqual([]);
    // Rows about what TripleO's validator refuses ("validate") are not registrations to compare.
    const unseen = documented.filter((d) => !d.scenarios.includes("validate") && !differences.some((x) => covers(d, x)));
    expect(unseen.map((d) => d.row)).toEqual([]);
  });
});
