/**
 * One table of exit codes for every command (cli/exit-codes.ts, README "The
 * CLI"): each cause is given to each command that can meet it, through the
 * CLI a user types (bin/labcdk.js). The clouds here are clouds.yaml entries
 * that are missing, or that point at 127.0.0.1:9 (nothing listens there):
 * no packet leaves the machine.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EXIT } from "../../cli/exit-codes";
import { sdkPython } from "../../cli/verify";
import { writeFiles } from "../helpers/files";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "labcdk.js");
const CLASSROOM = path.join(ROOT, "labs", "classroom", "lab.yaml");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ""}`, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-exit-"));
const missingLab = path.join(dir, "no-such-lab.yaml");
/** clouds.yaml with neither of the classroom lab's entries (undercloud, overcloud). */
const noEntries = path.join(dir, "no-entries.yaml");
fs.writeFileSync(noEntries, "clouds:\n  elsewhere:\n    auth: { auth_url: 'http://127.0.0.1:9/v3' }\n");
/** clouds.yaml whose entries point where nothing listens. */
const unreachable = path.join(dir, "unreachable.yaml");
const entry = "    auth: { auth_url: 'http://127.0.0.1:9/v3', username: u, password: p, project_name: p, user_domain_name: Default, project_domain_name: Default }\n    identity_api_version: 3\n";
fs.writeFileSync(unreachable, `clouds:\n  undercloud:\n${entry}  overcloud:\n${entry}`);
const badPlan = writeFiles({ "plan.json": "{}" });

/** A saved plan that unregisters a node: plan-summary's destructive case. */
const destroyPlan = path.join(dir, "lab-undercloud.json");
fs.writeFileSync(
  destroyPlan,
  JSON.stringify({
    format_version: "1.2",
    resource_changes: [
      {
        address: "terraform_data.Node-compute2_Registration_1",
        mode: "managed",
        type: "terraform_data",
        change: { actions: ["delete"], before: { input: { LABCDK_STEP: "unenroll-node", NODE_NAME: "compute2" } }, after: null },
      },
    ],
  }),
);

const python = sdkPython({ ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ""}` });

/** [what, argv, environment, exit code, a fragment stderr (or stdout for 0) must hold]. */
const CASES: Array<[string, string[], NodeJS.ProcessEnv, number, string]> = [
  ["--version", ["--version"], {}, EXIT.ok, `labcdk ${(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version}`],
  ["lab validate --lab (valid)", ["lab", "validate", "--lab", CLASSROOM], {}, EXIT.ok, "valid"],
  ["lab validate --lab (missing)", ["lab", "validate", "--lab", missingLab], {}, EXIT.refused, `${missingLab}: does not exist`],
  ["lab validate FILE (missing)", ["lab", "validate", missingLab], {}, EXIT.refused, `${missingLab}: does not exist`],
  ["lab validate, LAB_CONFIG missing", ["lab", "validate"], { LAB_CONFIG: missingLab }, EXIT.refused, `${missingLab} (from LAB_CONFIG): does not exist`],
  ["lab validate, two different files", ["lab", "validate", CLASSROOM, "--lab", missingLab], {}, EXIT.refused, "two lab files given"],
  ["overcloud render --lab (missing)", ["overcloud", "render", "--lab", missingLab], {}, EXIT.refused, `${missingLab}: does not exist`],
  ["verify --lab (missing)", ["verify", "--lab", missingLab], {}, EXIT.refused, `${missingLab}: does not exist`],
  ["settle --lab (missing)", ["settle", "--lab", missingLab], {}, EXIT.refused, `${missingLab}: does not exist`],
  ["verify --timeout nonsense", ["verify", "--timeout", "soon"], {}, EXIT.refused, "--timeout: must be a positive number"],
  ["settle --timeout nonsense", ["settle", "--timeout", "-1"], {}, EXIT.refused, "--timeout: must be a positive number"],
  ["import --lab-name refused", ["import", "--lab-name", "Not A Name"], {}, EXIT.refused, "--lab-name: must be"],
  ["nodes validate (missing)", ["nodes", "validate", path.join(dir, "nodes.json")], {}, EXIT.refused, "nodes.json: does not exist"],
  ["plan-summary (not a plan)", ["plan-summary", path.join(badPlan, "plan.json")], {}, EXIT.refused, "plan.json"],
  ["an unknown option", ["lab", "validate", "--labfile", CLASSROOM], {}, EXIT.refused, "unknown option '--labfile'"],
  ["plan-summary (destructive)", ["plan-summary", destroyPlan], {}, EXIT.destructive, "unregister node compute2"],
];
/** The cloud cases need a Python with openstacksdk (the test bed's install brings it). */
const CLOUD_CASES: Array<[string, string[], NodeJS.ProcessEnv, number, string]> = [
  ["verify, cloud not in clouds.yaml", ["verify", "--timeout", "30"], { OS_CLIENT_CONFIG_FILE: noEntries }, EXIT.cloud, "cloud 'undercloud' is not configured (clouds.yaml: "],
  ["verify, cloud not reachable", ["verify", "--timeout", "30"], { OS_CLIENT_CONFIG_FILE: unreachable }, EXIT.cloud, "cloud 'undercloud' cannot be reached"],
  ["settle, cloud not in clouds.yaml", ["settle", "--timeout", "30"], { OS_CLIENT_CONFIG_FILE: noEntries }, EXIT.cloud, "cloud 'overcloud' is not configured (clouds.yaml: "],
  ["settle, cloud not reachable", ["settle", "--timeout", "30"], { OS_CLIENT_CONFIG_FILE: unreachable }, EXIT.cloud, "cloud 'overcloud' cannot be reached"],
  ["import, cloud not in clouds.yaml", ["import", "--lab-name", "adopted", "--out", path.join(dir, "adopted"), "--timeout", "30"], { OS_CLIENT_CONFIG_FILE: noEntries }, EXIT.cloud, "is not configured (clouds.yaml: "],
];
if (!python) console.warn("exit codes of the cloud cases SKIPPED: no Python with openstacksdk (install python3-openstacksdk)");

describe("GIVEN each cause of failure, WHEN each command meets it, THEN the exit code is the table's", () => {
  jest.setTimeout(300000);
  const cases = [...CASES, ...(python ? CLOUD_CASES : [])];
  const results = new Map<string, Run>();

  beforeAll(async () => {
    // Two at a time (2 cores): each run is a Node start, some a Python one.
    const jobs = [...cases];
    await Promise.all(
      [0, 1].map(async () => {
        for (let job = jobs.shift(); job; job = jobs.shift()) results.set(job[0], await runAsync(job[1], job[2]));
      }),
    );
  });

  for (const [what, , , code, fragment] of cases) {
    test(`${what}: exit ${code}`, () => {
      const result = results.get(what)!;
      expect({ status: result.status, said: (code === EXIT.ok || code === EXIT.destructive ? result.stdout : result.stderr).includes(fragment) }).toEqual({ status: code, said: true });
      expect(result.stderr).not.toContain("internal error");
      expect(result.stderr).not.toMatch(/^\s+at /m);
    });
  }
});

describe("GIVEN an error labcdk did not expect", () => {
  test("WHEN it reaches the CLI's top THEN one line says it is a bug in labcdk, exit 70", async () => {
    // A lab loader that throws what no input can cause: a TypeError from inside labcdk.
    jest.resetModules();
    jest.doMock("../../lab/load", () => ({
      labFileFromEnvironment: () => CLASSROOM,
      loadLab: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    }));
    const errors: string[] = [];
    const spy = jest.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const { main } = (await import("../../cli/main")) as typeof import("../../cli/main");
    const before = process.exitCode;
    try {
      await main(["node", "labcdk", "lab", "validate"]);
      expect(process.exitCode).toBe(EXIT.bug);
      expect(errors).toEqual([expect.stringMatching(/^labcdk: internal error: TypeError: Cannot read properties of undefined .*a bug in labcdk, not in your files; set LABCDK_DEBUG=1/)]);
    } finally {
      process.exitCode = before;
      spy.mockRestore();
      jest.dontMock("../../lab/load");
    }
  });
});

test("the exit code table in README.md is the CLI's own", () => {
  const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" }).stdout;
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  for (const [name, code] of Object.entries(EXIT)) {
    expect({ name, inHelp: new RegExp(`^  ${code} `, "m").test(help), inReadme: new RegExp(`\\|\\s*${code}\\s*\\|`).test(readme) }).toEqual({ name, inHelp: true, inReadme: true });
  }
});
