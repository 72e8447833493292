/**
 * The overcloud dialects (lab/overcloud-dialects.ts): what each one
 * renders for the classroom lab and for a scale-in, and — the point of the
 * dialects — that every rendered command is accepted by the real
 * python-tripleoclient parser of its release, every generated Heat parameter
 * exists in the pinned tripleo-heat-templates, and every generated
 * baremetal_deployment.yaml passes tripleo-ansible's own schema and expand()
 * (tools/tripleo-argv, README there).
 *
 * The fidelity tests need the releases in the cache (tools/fetch-tripleoclient.sh,
 * tools/fetch-tripleo-ansible.sh; CI runs both). Without them they are skipped
 * with a note, unless LABCDK_REQUIRE_TRIPLEO is set: then this file fails.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
  BAREMETAL_DEPLOYED_FILE,
  BAREMETAL_DEPLOYMENT_FILE,
  OvercloudModel,
  PARAMETERS_FILE,
  RenderedCommands,
  renderDeploy,
  renderNodeDelete,
} from "../../lab/overcloud-dialects";
import { renderedFingerprint } from "../../constructs/overcloud-deploy";
import { loadLab, OVERCLOUD_DIALECTS, OvercloudDialect, Role } from "../../lab";
import { projectRoot } from "../../lab/project-root";
import { CLASSROOM_LAB } from "../helpers/synth";

// ------------------------------------------------------------------ models

const lab = loadLab(CLASSROOM_LAB);

/** The classroom lab's overcloud in a dialect (the lab file says legacy-flags). */
function classroom(dialect: OvercloudDialect, stackName = lab.overcloud.stackName): OvercloudModel {
  const overcloud = lab.overcloud;
  return {
    dialect,
    stackName,
    templatesDir: overcloud.templatesDir,
    roles: overcloud.roles,
    neutronTunnelTypes: overcloud.neutronTunnelTypes,
    neutronNetworkType: overcloud.neutronNetworkType,
    environmentFiles: overcloud.environmentFiles,
  };
}

/** The classroom overcloud scaled back in: compute 1 leaves. */
function scaleIn(dialect: OvercloudDialect, stackName = "overcloud"): OvercloudModel {
  const base = classroom(dialect, stackName);
  return {
    ...base,
    roles: {
      ...base.roles,
      Compute: {
        ...base.roles.Compute,
        count: 1,
        remove: [{ hostname: `${stackName}-novacompute-1`, computeHost: `${stackName}-novacompute-1.localdomain` }],
      },
    },
  };
}

function withRole(model: OvercloudModel, name: string, role: Partial<Role>): OvercloudModel {
  const current: Role = model.roles[name] ?? { count: 1, flavor: "baremetal", profile: name.toLowerCase(), remove: [] };
  return { ...model, roles: { ...model.roles, [name]: { ...current, ...role } } };
}

const FIVE_FILES = [
  "/home/stack/templates/compute-extraconfig.yaml",
  "/home/stack/templates/environments/network-isolation.yaml",
  "/home/stack/templates/network-environment.yaml",
  "/home/stack/templates/environments/storage-environment.yaml",
  "/home/stack/templates/pre-config-fix.yaml",
];

/** Values of every `-e`, in order. */
function environmentFilesOf(argv: readonly string[]): string[] {
  return argv.flatMap((word, i) => (word === "-e" ? [argv[i + 1]] : []));
}

function parametersOf(rendered: RenderedCommands): Record<string, any> {
  const text = rendered.files[PARAMETERS_FILE];
  expect(text).toBeDefined();
  return parse(text).parameter_defaults;
}

function deploymentOf(rendered: RenderedCommands): any[] {
  const text = rendered.files[BAREMETAL_DEPLOYMENT_FILE];
  expect(text).toBeDefined();
  return parse(text);
}

// ------------------------------------------------------------------ rendering

describe("the classroom lab file", () => {
  test("is the runbook's overcloud (the models below build on it)", () => {
    expect(lab.overcloud).toMatchObject({
      stackName: "overcloud",
      dialect: "legacy-flags",
      templatesDir: "/home/stack/templates",
      neutronTunnelTypes: ["vxlan"],
      neutronNetworkType: "vxlan",
      environmentFiles: FIVE_FILES,
    });
    expect(Object.keys(lab.overcloud.roles)).toEqual(["Controller", "Compute", "CephStorage"]);
  });
});

describe("dialect legacy-flags", () => {
  test("deploy is the runbook's exact command (no --stack for the default stack name)", () => {
    const rendered = renderDeploy(classroom("legacy-flags"));
    expect(rendered.files).toEqual({});
    expect(rendered.commands).toHaveLength(1);
    expect(rendered.commands[0].join(" ")).toBe(
      "overcloud deploy --templates /home/stack/templates" +
        " --control-scale 1 --ceph-storage-scale 1 --compute-scale 2" +
        " --control-flavor control --compute-flavor compute --ceph-storage-flavor ceph-storage" +
        " --neutron-tunnel-types vxlan --neutron-network-type vxlan" +
        FIVE_FILES.map((file) => ` -e ${file}`).join(""),
    );
  });

  test("another stack name is passed with --stack, right after --templates", () => {
    const argv = renderDeploy(classroom("legacy-flags", "lab-oc")).commands[0];
    expect(argv.slice(0, 6)).toEqual(["overcloud", "deploy", "--templates", "/home/stack/templates", "--stack", "lab-oc"]);
    expect(argv.filter((word) => word === "--stack")).toHaveLength(1);
  });

  test("scale-in: --compute-scale 1, the rest unchanged", () => {
    const argv = renderDeploy(scaleIn("legacy-flags")).commands[0];
    expect(argv[argv.indexOf("--compute-scale") + 1]).toBe("1");
    expect(argv[argv.indexOf("--control-scale") + 1]).toBe("1");
    expect(argv[argv.indexOf("--ceph-storage-scale") + 1]).toBe("1");
    expect(environmentFilesOf(argv)).toEqual(FIVE_FILES);
  });

  test("a role without legacy flags throws, naming overcloud.roles.<role> and the way out", () => {
    const model = withRole(classroom("legacy-flags"), "Networker", { count: 1, flavor: "networker", profile: "networker" });
    expect(() => renderDeploy(model)).toThrow(/overcloud\.roles\.Networker/);
    expect(() => renderDeploy(model)).toThrow(/parameter-defaults/);
  });

  test("the deprecation warning names the replacement", () => {
    const { warnings } = renderDeploy(classroom("legacy-flags"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("legacy-flags");
    expect(warnings[0]).toContain("parameter-defaults");
    expect(warnings[0]).toContain("ComputeCount");
  });

  test("node delete is the runbook's `overcloud node delete --stack overcloud NODE`, without --yes", () => {
    const rendered = renderNodeDelete(scaleIn("legacy-flags"));
    expect(rendered.commands).toEqual([["overcloud", "node", "delete", "--stack", "overcloud", "overcloud-novacompute-1"]]);
    expect(rendered.commands[0]).not.toContain("--yes");
    expect(rendered.commands[0]).not.toContain("-y");
    expect(rendered.files).toEqual({});
  });
});

describe("dialect parameter-defaults", () => {
  test("the generated environment file carries counts, flavors and the Neutron settings", () => {
    const rendered = renderDeploy(classroom("parameter-defaults"));
    expect(Object.keys(rendered.files)).toEqual([PARAMETERS_FILE]);
    expect(rendered.files[PARAMETERS_FILE].startsWith("# Generated by labcdk")).toBe(true);
    expect(parametersOf(rendered)).toEqual({
      ControllerCount: 1,
      ComputeCount: 2,
      CephStorageCount: 1,
      OvercloudControllerFlavor: "control",
      OvercloudComputeFlavor: "compute",
      OvercloudCephStorageFlavor: "ceph-storage",
      NeutronTunnelTypes: "vxlan",
      NeutronNetworkType: "vxlan",
    });
  });

  test("deploy: --stack always, the lab's -e files in order, the generated file LAST, no flags", () => {
    const { commands } = renderDeploy(classroom("parameter-defaults"));
    expect(commands).toHaveLength(1);
    const argv = commands[0];
    expect(argv.slice(0, 6)).toEqual(["overcloud", "deploy", "--templates", "/home/stack/templates", "--stack", "overcloud"]);
    expect(environmentFilesOf(argv)).toEqual([...FIVE_FILES, PARAMETERS_FILE]);
    expect(argv[argv.length - 1]).toBe(PARAMETERS_FILE);
    expect(argv.filter((word) => /^--.*-(scale|flavor)$|^--neutron-/.test(word))).toEqual([]);
  });

  test("scale-in: ComputeCount 1", () => {
    expect(parametersOf(renderDeploy(scaleIn("parameter-defaults")))).toMatchObject({ ComputeCount: 1, ControllerCount: 1, CephStorageCount: 1 });
  });

  test("a role unknown to the legacy flags is fine here", () => {
    const model = withRole(classroom("parameter-defaults"), "Networker", { count: 2, flavor: "networker" });
    expect(parametersOf(renderDeploy(model))).toMatchObject({ NetworkerCount: 2, OvercloudNetworkerFlavor: "networker" });
  });

  test("the warning names the replacement", () => {
    const { warnings } = renderDeploy(classroom("parameter-defaults"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("node-provision");
  });

  test("node delete has --yes", () => {
    expect(renderNodeDelete(scaleIn("parameter-defaults")).commands).toEqual([
      ["overcloud", "node", "delete", "--stack", "overcloud", "--yes", "overcloud-novacompute-1"],
    ]);
  });
});

describe("dialect node-provision", () => {
  test("two commands in order: node provision, then deploy --deployed-server with the provisioned file first", () => {
    const { commands } = renderDeploy(classroom("node-provision"));
    expect(commands).toEqual([
      ["overcloud", "node", "provision", "--stack", "overcloud", "--output", BAREMETAL_DEPLOYED_FILE, BAREMETAL_DEPLOYMENT_FILE],
      [
        "overcloud", "deploy", "--templates", "/home/stack/templates", "--stack", "overcloud", "--deployed-server",
        ...[BAREMETAL_DEPLOYED_FILE, ...FIVE_FILES, PARAMETERS_FILE].flatMap((file) => ["-e", file]),
      ],
    ]);
    expect(environmentFilesOf(commands[1])[0]).toBe(BAREMETAL_DEPLOYED_FILE);
  });

  test("baremetal_deployment.yaml: name, count and defaults.profile per role", () => {
    const rendered = renderDeploy(classroom("node-provision"));
    expect(rendered.files[BAREMETAL_DEPLOYMENT_FILE].startsWith("# Generated by labcdk")).toBe(true);
    expect(deploymentOf(rendered)).toEqual([
      { name: "Controller", count: 1, defaults: { profile: "control" } },
      { name: "Compute", count: 2, defaults: { profile: "compute" } },
      { name: "CephStorage", count: 1, defaults: { profile: "ceph-storage" } },
    ]);
  });

  test("scale-in: the removed node is an instance with provisioned: false (no computeHost leaks in)", () => {
    expect(deploymentOf(renderDeploy(scaleIn("node-provision")))).toEqual([
      { name: "Controller", count: 1, defaults: { profile: "control" } },
      { name: "Compute", count: 1, defaults: { profile: "compute" }, instances: [{ hostname: "overcloud-novacompute-1", provisioned: false }] },
      { name: "CephStorage", count: 1, defaults: { profile: "ceph-storage" } },
    ]);
  });

  test("the generated parameters are only Neutron's: counts come from the provisioned file, flavors are not used", () => {
    const rendered = renderDeploy(classroom("node-provision"));
    expect(parametersOf(rendered)).toEqual({ NeutronTunnelTypes: "vxlan", NeutronNetworkType: "vxlan" });
    expect(rendered.warnings).toEqual([expect.stringContaining("flavor is ignored")]);
  });

  test("node delete reads the deployment file (the same as the deploy's) and has --yes", () => {
    const model = scaleIn("node-provision");
    const rendered = renderNodeDelete(model);
    expect(rendered.commands).toEqual([
      ["overcloud", "node", "delete", "--stack", "overcloud", "--baremetal-deployment", BAREMETAL_DEPLOYMENT_FILE, "--yes"],
    ]);
    expect(rendered.files).toEqual({ [BAREMETAL_DEPLOYMENT_FILE]: renderDeploy(model).files[BAREMETAL_DEPLOYMENT_FILE] });
  });
});

describe.each(OVERCLOUD_DIALECTS)("%s: nothing to delete", (dialect) => {
  test("node delete renders nothing when no role removes a node", () => {
    expect(renderNodeDelete(classroom(dialect))).toEqual({ commands: [], files: {}, warnings: [] });
  });
});

describe("renderedFingerprint", () => {
  test.each(OVERCLOUD_DIALECTS)("%s: changes with a count, stable otherwise", (dialect) => {
    const before = renderDeploy(classroom(dialect));
    expect(renderedFingerprint(before)).toMatch(/^[0-9a-f]{64}$/);
    expect(renderedFingerprint(renderDeploy(classroom(dialect)))).toBe(renderedFingerprint(before));
    const counted = renderDeploy(withRole(classroom(dialect), "Compute", { count: 3 }));
    expect(renderedFingerprint(counted)).not.toBe(renderedFingerprint(before));
  });

  test("warnings do not count: only the commands and files do", () => {
    const rendered = renderDeploy(classroom("parameter-defaults"));
    expect(rendered.warnings.length).toBeGreaterThan(0);
    expect(renderedFingerprint({ commands: rendered.commands, files: rendered.files })).toBe(renderedFingerprint(rendered));
  });

  test("node-provision ignores flavors, so a flavor change re-runs nothing (only the warning says so)", () => {
    const before = renderDeploy(classroom("node-provision"));
    const after = renderDeploy(withRole(classroom("node-provision"), "Compute", { flavor: "bigger" }));
    expect(renderedFingerprint(after)).toBe(renderedFingerprint(before));
    const legacyBefore = renderDeploy(classroom("legacy-flags"));
    const legacyAfter = renderDeploy(withRole(classroom("legacy-flags"), "Compute", { flavor: "bigger" }));
    expect(renderedFingerprint(legacyAfter)).not.toBe(renderedFingerprint(legacyBefore));
  });

  test("differs between dialects and stack names", () => {
    const prints = new Set(
      OVERCLOUD_DIALECTS.flatMap((dialect) => [
        renderedFingerprint(renderDeploy(classroom(dialect))),
        renderedFingerprint(renderDeploy(classroom(dialect, "lab-oc"))),
      ]),
    );
    expect(prints.size).toBe(OVERCLOUD_DIALECTS.length * 2);
  });
});

// ------------------------------------------------------------------ fidelity

const ROOT = projectRoot();
const ARGV_TOOLS = path.join(ROOT, "tools", "tripleo-argv");
const PYTHON = "/usr/bin/python3";

function pins(): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of fs.readFileSync(path.join(ROOT, "tools", "tripleo-versions.env"), "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) result[match[1]] = match[2].trim();
  }
  return result;
}

/** Same default as the fetch scripts and tools/tripleo-argv/*.py. */
function cacheRoot(): string {
  return (
    process.env.LABCDK_CACHE ||
    process.env.LABCDK_CACHE_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "labcdk")
  );
}

/** Why the fidelity tests cannot run, or undefined when they can. */
function tripleoMissing(): string | undefined {
  const pin = pins();
  const root = path.join(cacheRoot(), "pypi", "tripleoclient");
  const wanted = [
    `python-tripleoclient-${pin.TRIPLEOCLIENT_LEGACY_FLAGS_VERSION}`,
    `python-tripleoclient-${pin.TRIPLEOCLIENT_PARAMETER_DEFAULTS_VERSION}`,
    `python-tripleoclient-${pin.TRIPLEOCLIENT_NODE_PROVISION_VERSION}`,
    `tripleo-heat-templates-${pin.THT_VERSION}`,
  ];
  const missing = wanted.filter((dir) => !fs.existsSync(path.join(root, dir, ".labcdk-sha256")));
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  if (missing.length > 0) return `${missing.join(", ")} missing in ${root}: run tools/fetch-tripleoclient.sh (CI does this)`;
  return undefined;
}

/** Why the baremetal_deployment check cannot run, or undefined when it can. */
function tripleoAnsibleMissing(): string | undefined {
  const root = path.join(cacheRoot(), "pypi", "tripleo-ansible");
  const unpacked = fs.existsSync(root) && fs.readdirSync(root).some((dir) => fs.existsSync(path.join(root, dir, ".labcdk-sha256")));
  if (!unpacked) return `tripleo-ansible missing in ${root}: run tools/fetch-tripleo-ansible.sh (CI does this)`;
  const probe = spawnSync(PYTHON, ["-c", "import jsonschema, yaml"], { encoding: "utf8" });
  if (probe.status !== 0) return `${PYTHON} cannot import jsonschema and yaml (apt-get install python3-jsonschema python3-yaml)`;
  return undefined;
}

function gate(what: string, why: string | undefined): jest.Describe {
  if (why === undefined) return describe;
  if (process.env.LABCDK_REQUIRE_TRIPLEO) throw new Error(`LABCDK_REQUIRE_TRIPLEO is set but ${what} cannot run: ${why}`);
  console.warn(`${what} SKIPPED: ${why}`);
  return describe.skip;
}

const describeWithTripleo = gate("TripleO fidelity tests (real tripleoclient parsers, tripleo-heat-templates)", tripleoMissing());
const describeWithTripleoAnsible = gate("baremetal_deployment.yaml check (tripleo-ansible)", tripleoAnsibleMissing());

/** The tools' environment: no stack name from the caller's shell, /usr/bin first. */
function toolEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ""}` };
  delete env.OVERCLOUD_STACK_NAME;
  return env;
}

interface Checked {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(tool: string, args: readonly string[], cwd?: string): Checked {
  const result = spawnSync(PYTHON, [path.join(ARGV_TOOLS, tool), ...args], { encoding: "utf8", env: toolEnv(), cwd, timeout: 60000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function checkArgv(release: string, argv: readonly string[]): Checked & { json?: any } {
  const result = run("check_argv.py", ["--release", release, "--json", "--", ...argv]);
  return result.status === 0 ? { ...result, json: JSON.parse(result.stdout) } : result;
}

/** Every rendered command: deploy and node delete, classroom and scale-in, default and other stack name. */
function casesOf(dialect: OvercloudDialect): { label: string; model: OvercloudModel }[] {
  return [
    { label: "classroom", model: classroom(dialect) },
    { label: "classroom, stack lab-oc", model: classroom(dialect, "lab-oc") },
    { label: "scale-in", model: scaleIn(dialect) },
    { label: "scale-in, stack lab-oc", model: scaleIn(dialect, "lab-oc") },
  ];
}

function allCommands(dialect: OvercloudDialect): { label: string; model: OvercloudModel; argv: readonly string[] }[] {
  return casesOf(dialect).flatMap(({ label, model }) => [
    ...renderDeploy(model).commands.map((argv) => ({ label: `${label}: ${argv.slice(0, 3).join(" ")}`, model, argv })),
    ...renderNodeDelete(model).commands.map((argv) => ({ label: `${label}: ${argv.slice(0, 3).join(" ")}`, model, argv })),
  ]);
}

const RELEASES: Record<OvercloudDialect, string> = (() => {
  const pin = pins();
  return {
    "legacy-flags": pin.TRIPLEOCLIENT_LEGACY_FLAGS_VERSION,
    "parameter-defaults": pin.TRIPLEOCLIENT_PARAMETER_DEFAULTS_VERSION,
    "node-provision": pin.TRIPLEOCLIENT_NODE_PROVISION_VERSION,
  };
})();

describeWithTripleo("fidelity: the real tripleoclient parser of each dialect's release", () => {
  describe.each(OVERCLOUD_DIALECTS)("%s", (dialect) => {
    const commands = allCommands(dialect);

    test("renders deploy and node-delete commands for every case", () => {
      const kinds = new Set(commands.map(({ argv }) => argv.slice(0, 3).join(" ")));
      expect(kinds).toContain("overcloud deploy --templates");
      expect([...kinds].some((kind) => kind.startsWith("overcloud node delete"))).toBe(true);
    });

    test.each(commands.map((c) => [c.label, c] as const))("accepted: %s", (_label, { model, argv }) => {
      const checked = checkArgv(dialect, argv);
      if (checked.status !== 0) throw new Error(`check_argv --release ${dialect} rejected (exit ${checked.status}): ${argv.join(" ")}\n${checked.stderr}`);
      expect(checked.json).toMatchObject({ release: RELEASES[dialect], dialect });
      const args = checked.json.args;
      expect(args.stack).toBe(model.stackName);
      if (checked.json.command === "overcloud deploy") {
        expect(args.templates).toBe("/home/stack/templates");
        expect(args.environment_files).toEqual(environmentFilesOf(argv));
      }
    });
  });

  describe("the parsed values", () => {
    test("legacy-flags deploy: scales, flavors, Neutron flags, -e files", () => {
      const { json } = checkArgv("legacy-flags", renderDeploy(classroom("legacy-flags")).commands[0]);
      expect(json.command).toBe("overcloud deploy");
      expect(json.args).toMatchObject({
        stack: "overcloud", // the parser's default: the runbook's command names no stack
        templates: "/home/stack/templates",
        control_scale: 1,
        compute_scale: 2,
        ceph_storage_scale: 1,
        control_flavor: "control",
        compute_flavor: "compute",
        ceph_storage_flavor: "ceph-storage",
        neutron_tunnel_types: "vxlan",
        neutron_network_type: "vxlan",
        environment_files: FIVE_FILES,
      });
      expect(checkArgv("legacy-flags", renderDeploy(scaleIn("legacy-flags")).commands[0]).json.args.compute_scale).toBe(1);
    });

    test("legacy-flags node delete: the node, the stack", () => {
      const { json } = checkArgv("legacy-flags", renderNodeDelete(scaleIn("legacy-flags")).commands[0]);
      expect(json.command).toBe("overcloud node delete");
      expect(json.args).toMatchObject({ stack: "overcloud", nodes: ["overcloud-novacompute-1"] });
      expect(json.args).not.toHaveProperty("yes");
    });

    test("parameter-defaults deploy: the generated file last, no scale arguments at all", () => {
      const { json } = checkArgv("parameter-defaults", renderDeploy(classroom("parameter-defaults", "lab-oc")).commands[0]);
      expect(json.args).toMatchObject({ stack: "lab-oc", environment_files: [...FIVE_FILES, PARAMETERS_FILE] });
      expect(json.args).not.toHaveProperty("compute_scale");
    });

    test("parameter-defaults node delete: --yes, the node", () => {
      const { json } = checkArgv("parameter-defaults", renderNodeDelete(scaleIn("parameter-defaults")).commands[0]);
      expect(json.args).toMatchObject({ stack: "overcloud", yes: true, nodes: ["overcloud-novacompute-1"] });
    });

    test("node-provision: provision input/output, deploy --deployed-server, delete by deployment file", () => {
      const model = scaleIn("node-provision", "lab-oc");
      const [provision, deploy] = renderDeploy(model).commands;
      const provisioned = checkArgv("node-provision", provision).json;
      expect(provisioned.command).toBe("overcloud node provision");
      expect(provisioned.args).toMatchObject({ stack: "lab-oc", input: BAREMETAL_DEPLOYMENT_FILE, output: BAREMETAL_DEPLOYED_FILE });
      const deployed = checkArgv("node-provision", deploy).json;
      expect(deployed.command).toBe("overcloud deploy");
      expect(deployed.args).toMatchObject({ stack: "lab-oc", deployed_server: true });
      expect(deployed.args.environment_files).toEqual([BAREMETAL_DEPLOYED_FILE, ...FIVE_FILES, PARAMETERS_FILE]);
      const deleted = checkArgv("node-provision", renderNodeDelete(model).commands[0]).json;
      expect(deleted.command).toBe("overcloud node delete");
      expect(deleted.args).toMatchObject({ stack: "lab-oc", baremetal_deployment: BAREMETAL_DEPLOYMENT_FILE, yes: true, nodes: [] });
    });
  });

  describe("negative controls: the checker can fail", () => {
    test("the legacy deploy (--compute-scale ...) is rejected by the parameter-defaults release", () => {
      const checked = checkArgv("parameter-defaults", renderDeploy(classroom("legacy-flags")).commands[0]);
      expect(checked.status).toBe(1);
      expect(checked.stderr).toMatch(/unrecognized arguments: .*--control-scale/);
    });

    test("--yes on the legacy node delete is rejected by the legacy release", () => {
      const checked = checkArgv("legacy-flags", renderNodeDelete(scaleIn("parameter-defaults")).commands[0]);
      expect(checked.status).toBe(1);
      expect(checked.stderr).toContain("--yes");
    });

    test("the legacy release has no `overcloud node provision`", () => {
      expect(checkArgv("legacy-flags", renderDeploy(classroom("node-provision")).commands[0]).status).toBe(1);
    });
  });

  describe("Heat parameter names (tripleo-heat-templates)", () => {
    const names = [
      ...new Set(
        (["parameter-defaults", "node-provision"] as const).flatMap((dialect) =>
          casesOf(dialect).flatMap(({ model }) => Object.keys(parametersOf(renderDeploy(model)))),
        ),
      ),
    ].sort();

    test("the generated files name the expected parameters", () => {
      expect(names).toEqual([
        "CephStorageCount",
        "ComputeCount",
        "ControllerCount",
        "NeutronNetworkType",
        "NeutronTunnelTypes",
        "OvercloudCephStorageFlavor",
        "OvercloudComputeFlavor",
        "OvercloudControllerFlavor",
      ]);
    });

    test("every one is declared by a template", () => {
      const checked = run("tht_params.py", names);
      if (checked.status !== 0) throw new Error(`tht_params.py (exit ${checked.status}):\n${checked.stdout}${checked.stderr}`);
      expect(checked.stdout).toContain(`${names.length} name(s) declared`);
    });

    test("a made-up name is not (negative control)", () => {
      const checked = run("tht_params.py", ["ComputeCount", "LabcdkMadeUpParameter"]);
      expect(checked.status).toBe(1);
      expect(checked.stderr).toContain("LabcdkMadeUpParameter");
      expect(checked.stderr).not.toContain("ComputeCount");
    });
  });
});

describeWithTripleoAnsible("fidelity: baremetal_deployment.yaml through tripleo-ansible's schema and expand()", () => {
  /** Writes the rendered files to a fresh folder and checks the deployment file. */
  function expand(rendered: RenderedCommands, stack: string): Checked & { json?: any } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bm-"));
    try {
      for (const [name, content] of Object.entries(rendered.files)) fs.writeFileSync(path.join(dir, name), content);
      const result = run("check_baremetal_deployment.py", ["--stack", stack, BAREMETAL_DEPLOYMENT_FILE], dir);
      return result.status === 0 ? { ...result, json: JSON.parse(result.stdout) } : result;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test.each(casesOf("node-provision").map((c) => [c.label, c.model] as const))("valid: %s", (_label, model) => {
    for (const rendered of [renderDeploy(model), renderNodeDelete(model)]) {
      if (!rendered.files[BAREMETAL_DEPLOYMENT_FILE]) continue;
      const checked = expand(rendered, model.stackName);
      if (checked.status !== 0) throw new Error(`check_baremetal_deployment.py (exit ${checked.status}):\n${checked.stderr}`);
      const defaults = checked.json.environment.parameter_defaults;
      for (const [name, role] of Object.entries(model.roles)) expect(defaults[`${name}Count`]).toBe(role.count);
      expect(checked.json.removed.map((node: { hostname: string }) => node.hostname)).toEqual(
        Object.values(model.roles).flatMap((role) => role.remove.map((node) => node.hostname)),
      );
    }
  });

  test("classroom: the nodes provisioned, their profiles", () => {
    const { json } = expand(renderDeploy(classroom("node-provision")), "overcloud");
    expect(json.tripleo_ansible).toBe("6.0.0");
    expect(json.instances.map((node: { hostname: string; capabilities: { profile: string } }) => [node.hostname, node.capabilities.profile])).toEqual([
      ["overcloud-controller-0", "control"],
      ["overcloud-novacompute-0", "compute"],
      ["overcloud-novacompute-1", "compute"],
      ["overcloud-cephstorage-0", "ceph-storage"],
    ]);
    expect(json.removed).toEqual([]);
    expect(json.environment.parameter_defaults).not.toHaveProperty("ComputeRemovalPolicies");
  });

  test.each(["overcloud", "lab-oc"])("scale-in (stack %s): compute 1 is removed by index, compute 0 stays", (stack) => {
    const { json } = expand(renderDeploy(scaleIn("node-provision", stack)), stack);
    expect(json.instances.map((node: { hostname: string }) => node.hostname)).toEqual([`${stack}-controller-0`, `${stack}-novacompute-0`, `${stack}-cephstorage-0`]);
    expect(json.removed.map((node: { hostname: string }) => node.hostname)).toEqual([`${stack}-novacompute-1`]);
    expect(json.environment.parameter_defaults).toMatchObject({ ComputeCount: 1, ComputeRemovalPolicies: [{ resource_list: [1] }] });
  });

  test("negative control: a key the schema does not know is rejected", () => {
    const rendered = renderDeploy(classroom("node-provision"));
    const broken = rendered.files[BAREMETAL_DEPLOYMENT_FILE].replace("defaults:", "flavor: compute\n  defaults:");
    expect(broken).not.toBe(rendered.files[BAREMETAL_DEPLOYMENT_FILE]);
    const checked = expand({ ...rendered, files: { [BAREMETAL_DEPLOYMENT_FILE]: broken } }, "overcloud");
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain("'flavor' was unexpected");
  });

  test("negative control: more provisioned instances than count is rejected", () => {
    const text = "- name: Compute\n  count: 1\n  instances:\n    - hostname: overcloud-novacompute-0\n    - hostname: overcloud-novacompute-1\n";
    const checked = expand({ commands: [], files: { [BAREMETAL_DEPLOYMENT_FILE]: text }, warnings: [] }, "overcloud");
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain("cannot be greater than count");
  });
});
