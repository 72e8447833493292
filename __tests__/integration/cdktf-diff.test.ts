/**
 * `npx cdktf diff` of the test-bed lab's overcloud stack against the running
 * test bed, inside a network namespace with no route out (tools/offline-run.sh;
 * only the test bed's API ports bridged in). The synth copies the committed
 * provider lock into the stack folder, so cdktf runs `tofu init` (from the
 * local mirror) and `tofu plan`, and never `tofu providers lock`, which asks
 * the public registry. The control: with the lock removed, cdktf does run
 * `providers lock`, and the namespace stops it. Then the same with CDK
 * Terrain's CLI (`npm run cdktn -- diff`, docs/architecture.md, "CDK Terrain"): the same
 * tofu commands and the same plan, offline.
 *
 * TERRAFORM_BINARY_NAME is a shim that records every tofu command cdktf runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { CDKTN_CLI, CDKTN_HOOK, cdktnVersion } from "../helpers/cdktn";
import { normalizeProviderSource, PROVIDER_LOCK_FILE, stackLock } from "../../stacks/provider-lock";
import { describeOffline, offlineRun } from "../helpers/offline";
import { TESTBED_LAB } from "../helpers/synth";
import { describeWithTestbed, TESTBED_CLOUDS, testbedEnv } from "../helpers/testbed";
import { TOFU, TOFU_CONFIG } from "../helpers/tofu";

const STACK = "testbed-overcloud";

describeOffline(describeWithTestbed)("npx cdktf diff against the test bed, without network", () => {
  let work: string;
  let outdir: string;
  let stackDir: string;
  let callsFile: string;
  /** The first test's plan line, for the CDK Terrain test to compare with. */
  let cdktfPlan: string | undefined;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-cdktf-diff-"));
    outdir = path.join(work, "cdktf.out"); // local state would go to work/, never to the project
    stackDir = path.join(outdir, "stacks", STACK);
    callsFile = path.join(work, "tofu-calls");
    fs.writeFileSync(path.join(work, "tofu"), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> '${callsFile}'\nexec '${TOFU}' "$@"\n`, { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const cdktfDiff = (extra: string[], toolkit: "cdktf" | "cdktn" = "cdktf") => {
    fs.rmSync(callsFile, { force: true });
    // cdktn: its CLI on the pinned Node.js with the project's code sent to cdktn by the hook, as `npm run cdktn` runs it.
    const cli = toolkit === "cdktf" ? ["npx", "cdktf"] : [path.join(projectRoot(), "tools", "lts"), CDKTN_CLI];
    const result = offlineRun([...cli, "diff", STACK, "--no-color", "--output", outdir, ...extra], {
      clouds: TESTBED_CLOUDS,
      cwd: projectRoot(),
      env: {
        ...testbedEnv,
        LAB_CONFIG: TESTBED_LAB,
        TERRAFORM_BINARY_NAME: path.join(work, "tofu"),
        TF_CLI_CONFIG_FILE: TOFU_CONFIG,
        TF_PLUGIN_CACHE_DIR: "",
        // cdktf: no telemetry (CHECKPOINT_DISABLE, in testbedEnv), no npm version check, no plugin cache in ~.
        DISABLE_VERSION_CHECK: "1",
        CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
        NPM_CONFIG_UPDATE_NOTIFIER: "false",
        ...(toolkit === "cdktn" ? { NODE_OPTIONS: `--require ${CDKTN_HOOK}` } : {}),
      },
      timeoutSeconds: 540,
    });
    const calls = fs.existsSync(callsFile) ? fs.readFileSync(callsFile, "utf8").trim().split("\n") : [];
    return { ...result, output: `${result.stdout}\n${result.stderr}`, calls };
  };

  test("with the committed lock: init and plan only, every resource of the stack to add, the stack's lock unchanged", () => {
    // GIVEN a fresh output folder; WHEN cdktf synthesizes and plans the stack offline
    const result = cdktfDiff([]);

    // THEN it succeeds with the plan of a stack that has no state yet: all its resources added
    expect({ status: result.status, output: result.status === 0 ? "" : result.output }).toEqual({ status: 0, output: "" });
    const stackJson = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as {
      terraform: { required_providers: Record<string, { source: string }> };
      resource: Record<string, Record<string, any>>;
    };
    const resources = Object.values(stackJson.resource).reduce((count, byId) => count + Object.keys(byId).length, 0);
    expect(resources).toBeGreaterThan(0);
    expect(result.output).toContain(`Plan: ${resources} to add, 0 to change, 0 to destroy.`);
    cdktfPlan = `Plan: ${resources} to add, 0 to change, 0 to destroy.`;
    expect(result.output).toContain('resource "openstack_compute_instance_v2"');
    expect(result.output).toContain('resource "openstack_networking_floatingip_v2"');
    // AND cdktf ran tofu init and plan, and no `providers lock`
    expect(result.calls).toContain("init -no-color");
    expect(result.calls.some((call) => call.startsWith("plan "))).toBe(true);
    expect(result.calls.filter((call) => call.startsWith("providers"))).toEqual([]);
    // AND init left the lock as synth put it (the committed blocks of the stack's providers: it agreed with the mirror's packages)
    const required = Object.values(stackJson.terraform.required_providers).map(({ source }) => normalizeProviderSource(source));
    const installed = stackLock(fs.readFileSync(PROVIDER_LOCK_FILE, "utf8"), required);
    expect(installed.missing).toEqual([]);
    expect(fs.readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8")).toBe(installed.text);
  });

  test("control: without the lock, cdktf runs `providers lock`, which needs the registry and fails here", () => {
    // GIVEN the stack folder of the first test without its lock (and no synth to put it back)
    fs.rmSync(path.join(stackDir, ".terraform.lock.hcl"), { force: true });
    expect(fs.existsSync(path.join(stackDir, "cdk.tf.json"))).toBe(true);

    // WHEN
    const result = cdktfDiff(["--skip-synth"]);

    // THEN cdktf asked tofu to lock from the registry, which the namespace made fail at once
    expect(result.calls).toContain("providers lock -platform=linux_amd64 -no-color");
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("registry.terraform.io");
    expect(result.output).not.toContain("Plan:");
  });
  test("CDK Terrain: `cdktn diff` with the committed lock runs init and plan only, offline, and plans what cdktf planned", () => {
    // GIVEN cdktf's plan of the stack (the first test's) and a fresh output folder
    expect(cdktfPlan).toMatch(/^Plan: [1-9]\d* to add, 0 to change, 0 to destroy\.$/);
    fs.rmSync(outdir, { recursive: true, force: true });

    // WHEN CDK Terrain's CLI synthesizes and plans the same stack offline
    const result = cdktfDiff([], "cdktn");

    // THEN it succeeds with the same plan, through tofu init and plan and no `providers lock`
    expect({ status: result.status, output: result.status === 0 ? "" : result.output }).toEqual({ status: 0, output: "" });
    expect(result.output).toContain(cdktfPlan!);
    expect(result.calls).toContain("init -no-color");
    expect(result.calls.some((call) => call.startsWith("plan "))).toBe(true);
    expect(result.calls.filter((call) => call.startsWith("providers"))).toEqual([]);
    // AND the stack was synthesized by cdktn (its version stamp), with the committed lock left as synth put it
    const stackJson = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as {
      "//": { metadata: { version: string } };
      terraform: { required_providers: Record<string, { source: string }> };
    };
    expect(stackJson["//"].metadata.version).toBe(cdktnVersion());
    const required = Object.values(stackJson.terraform.required_providers).map(({ source }) => normalizeProviderSource(source));
    expect(fs.readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8")).toBe(stackLock(fs.readFileSync(PROVIDER_LOCK_FILE, "utf8"), required).text);
  });
});
