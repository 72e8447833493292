/**
 * labcdk's own provider (providers/labcdk): its Go tests — unit tests (the
 * observer run: inputs, failures, time bound, one line; Configure) and
 * acceptance tests (terraform-plugin-testing: the observation's lifecycle on
 * the project's OpenTofu, the provider served by the test process) — and the
 * recorded schema the bindings are generated from still matching the built
 * provider. The OpenTofu tests below run the provider as stacks get it: the
 * binary installed from the local mirror.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { writeFiles } from "../helpers/files";
import { offlineRun, offlineUnavailable } from "../helpers/offline";
import { describeWithTofu, TOFU, TOFU_CONFIG, tofu, tofuAvailable } from "../helpers/tofu";

const dir = path.join(projectRoot(), "providers", "labcdk");
const goAvailable = spawnSync("go", ["version"]).status === 0;
if (!goAvailable && process.env.LABCDK_REQUIRE_TOFU) throw new Error("LABCDK_REQUIRE_TOFU is set but Go is missing: the labcdk provider cannot be tested");
const describeWithGo: jest.Describe = goAvailable ? describe : describe.skip;

describeWithGo("providers/labcdk", () => {
  // -mod=readonly: go.mod and go.sum must be complete as committed (CI machines start without a module cache).
  const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly" };
  const go = (args: string[]) => spawnSync("go", args, { cwd: dir, encoding: "utf8", env, timeout: 540000 });

  test("go vet passes, and go test with the acceptance tests (TF_ACC) on the project's OpenTofu", () => {
    // The modules, test ones included, from the module proxy (or GOPROXY/GOFLAGS=-mod=vendor setups)
    const download = go(["mod", "download"]);
    if (download.status !== 0) throw new Error(`go mod download failed:\n${download.stderr}`);
    const vet = go(["vet", "./..."]);
    expect(vet.stderr).toBe("");
    expect(vet.status).toBe(0);

    // Without the toolchain only the unit tests run (helpers/tofu has said the OpenTofu tests are skipped;
    // with LABCDK_REQUIRE_TOFU, as in CI, that is a failure there).
    const acceptance = tofuAvailable ? { TF_ACC: "1", TF_ACC_TERRAFORM_PATH: TOFU } : {};
    const command = ["go", "test", "-count=1", "-v", "./..."];
    // In a network namespace without egress when one can be made: proves that neither the tests nor
    // terraform-plugin-testing fetch anything (no Terraform download, no provider installation).
    const test = offlineUnavailable
      ? spawnSync(command[0], command.slice(1), { cwd: dir, encoding: "utf8", env: { ...env, ...acceptance }, timeout: 540000 })
      : offlineRun(command, { cwd: dir, env: { ...env, ...acceptance, GOPROXY: "off" }, timeoutSeconds: 540 });
    if (test.status !== 0) throw new Error(`go test failed:\n${test.stdout}\n${test.stderr}`);
    expect(test.stdout).toMatch(/^ok\s+\S+\/internal\/provider/m);
    const results = [...test.stdout.matchAll(/^--- (PASS|FAIL|SKIP): (\S+)/gm)].map((match) => `${match[2]} ${match[1]}`);
    const accTests = results.filter((result) => result.startsWith("TestAcc"));
    expect(accTests.length).toBeGreaterThan(0);
    expect(accTests.filter((result) => !result.endsWith(" PASS"))).toEqual(tofuAvailable ? [] : accTests);
  }, 600000);

  test("the recorded schema (the bindings' source) is what the built provider serves", () => {
    if (!tofuAvailable) throw new Error("needs the toolchain: tools/build-toolchain.sh");
    const version = /const version = "([^"]+)"/.exec(fs.readFileSync(path.join(dir, "main.go"), "utf8"))?.[1];
    expect(JSON.parse(fs.readFileSync(path.join(projectRoot(), "cdktf.json"), "utf8")).terraformProviders).toContain(`terraform.local/labcdk/labcdk@${version}`);
    const recorded = JSON.parse(fs.readFileSync(path.join(projectRoot(), "providers", `labcdk@${version}.json`), "utf8"));

    const scratch = writeFiles({
      "main.tf.json": JSON.stringify({ terraform: { required_providers: { labcdk: { source: "terraform.local/labcdk/labcdk", version } } } }),
    });
    tofu(scratch, ["init", "-input=false", "-no-color"]);
    const served = JSON.parse(tofu(scratch, ["providers", "schema", "-json"]).stdout);
    // As tools/refresh-provider-schema.sh records it: without the description texts.
    const strip = (o: unknown): unknown =>
      Array.isArray(o) ? o.map(strip) : o && typeof o === "object"
        ? Object.fromEntries(Object.entries(o).filter(([k]) => !["description", "description_kind", "deprecation_message"].includes(k)).map(([k, v]) => [k, strip(v)]))
        : o;
    const key = "terraform.local/labcdk/labcdk";
    expect(strip(served.provider_schemas[key])).toEqual(recorded.provider_schemas[key]);
    expect(Object.keys(recorded.provider_schemas[key].resource_schemas)).toEqual(["labcdk_observation"]);
  });
});

/**
 * The mechanism the stacks rely on, on OpenTofu with the built provider and a
 * stand-in observer (a file says what "the cloud" has; the step's script
 * repairs it): drift plans the observation back and the step again, the
 * apply repairs, the next plan is empty — no flapping; a failing or slow
 * observer fails the plan with its message.
 */
describeWithTofu("labcdk_observation on OpenTofu", () => {
  const dir = writeFiles({});
  const thing = path.join(dir, "thing");
  const runs = path.join(dir, "runs.log");
  fs.writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: { labcdk: { source: "terraform.local/labcdk/labcdk", version: "0.1.0" } } },
      provider: {
        labcdk: [{
          observer: ["sh", "-c", 'if [ -n "$${FAIL:-}" ]; then echo "cloud x cannot be reached" >&2; exit 2; fi; [ -z "$${SLOW:-}" ] || sleep 30; cat "$THING" 2>/dev/null || echo absent', "observer"],
          timeout_seconds: 3,
        }],
      },
      resource: {
        labcdk_observation: { thing: { check: "thing", inputs: { THING: thing }, state: "present" } },
        terraform_data: {
          step: {
            input: "x",
            lifecycle: { replace_triggered_by: ["labcdk_observation.thing.state"] },
            provisioner: [{ "local-exec": { command: `echo present > "${thing}"; echo run >> "${runs}"` } }],
          },
        },
      },
    }),
  );
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => tofu(dir, [...args, "-input=false", "-no-color"], env);
  const planned = () => {
    run(["plan", "-out=p.plan"]);
    const plan = JSON.parse(tofu(dir, ["show", "-json", "p.plan"]).stdout);
    return plan.resource_changes
      .filter((c: { change: { actions: string[] } }) => c.change.actions.join() !== "no-op")
      .map((c: { address: string; change: { actions: string[] }; action_reason?: string }) => `${c.address} ${c.change.actions.join(",")}${c.action_reason ? ` ${c.action_reason}` : ""}`);
  };
  const runCount = () => fs.readFileSync(runs, "utf8").trim().split("\n").length;

  beforeAll(() => run(["init"]));

  test("create runs the step once; the next plan is empty", () => {
    run(["apply", "-auto-approve"]);
    expect(runCount()).toBe(1);
    expect(planned()).toEqual([]);
  });

  test("drift: the observation is updated back and the step replaced, nothing else; after the repair the plan is empty", () => {
    fs.rmSync(thing);
    expect(planned()).toEqual(["labcdk_observation.thing update", "terraform_data.step delete,create replace_by_triggers"]);
    expect(tofu(dir, ["show", "-no-color", "p.plan"]).stdout).toMatch(/~ state\s+= "absent" -> "present"/);
    run(["apply", "-auto-approve"]);
    expect(runCount()).toBe(2);
    expect(planned()).toEqual([]);
    expect(planned()).toEqual([]);
    expect(runCount()).toBe(2);
  });

  test("an observer that fails or hangs fails the plan with its message, and changes nothing", () => {
    const failing = spawnSync(TOFU, ["plan", "-input=false", "-no-color"], { cwd: dir, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: TOFU_CONFIG, FAIL: "1" } });
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain('observing "thing" failed');
    expect(failing.stderr).toContain("the observer exited with status 2");
    expect(failing.stderr).toContain("cloud x cannot be reached");
    const slow = spawnSync(TOFU, ["plan", "-input=false", "-no-color"], { cwd: dir, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: TOFU_CONFIG, SLOW: "1" } });
    expect(slow.status).toBe(1);
    expect(slow.stderr).toContain("did not finish within 3 s");
    expect(planned()).toEqual([]);
    expect(runCount()).toBe(2);
  });
});

describeWithTofu("labcdk provider block", () => {
  test("a concurrency or timeout below 1 is refused when the configuration is validated, naming the attribute", () => {
    const dir = writeFiles({
      "main.tf.json": JSON.stringify({
        terraform: { required_providers: { labcdk: { source: "terraform.local/labcdk/labcdk", version: "0.1.0" } } },
        provider: { labcdk: [{ observer: ["true"], concurrency: 0, timeout_seconds: 0 }] },
        resource: { labcdk_observation: { x: { check: "c", state: "s" } } },
      }),
    });
    tofu(dir, ["init", "-input=false", "-no-color"]);
    const plan = spawnSync(TOFU, ["plan", "-input=false", "-no-color"], { cwd: dir, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: TOFU_CONFIG } });
    expect(plan.status).toBe(1);
    expect(plan.stderr).toMatch(/Attribute concurrency value must be at least 1, got: 0/);
    expect(plan.stderr).toMatch(/Attribute timeout_seconds value must be at least 1, got: 0/);
  });
});

