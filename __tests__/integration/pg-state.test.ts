/**
 * The pg state backend against a real PostgreSQL server: two applies at
 * once — the second fails on the lock, or waits for it — and the state is
 * intact afterwards (the step ran once).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { ScriptStep } from "../../constructs/script-step";
import { useStateBackend } from "../../stacks/state-backend";
import { describeWithPostgres, Postgres, startPostgres } from "../helpers/postgres";
import { describeWithTofu, TOFU, TOFU_CONFIG, tofu } from "../helpers/tofu";

const FIXTURE_SCRIPTS = path.join(__dirname, "..", "fixtures", "scripts");

describeWithTofu("pg state backend", () => {
  describeWithPostgres("with a real PostgreSQL server", () => {
    let pg: Postgres;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-pgstate-"));
    const record = path.join(work, "record.log");
    const outdir = path.join(work, "out");
    const dir = path.join(outdir, "stacks", "lock-test");
    const env = () => ({ PG_CONN_STR: pg.connStr });

    beforeAll(() => {
      pg = startPostgres(15432);
      const app = new App({ outdir, stackTraces: false });
      const stack = new TerraformStack(app, "lock-test");
      useStateBackend(stack, { backend: "pg", schemaPrefix: "labcdk" });
      new ScriptStep(stack, "Slow", {
        step: { kind: "record", script: "record.sh", inputs: ["STEP", "VALUE", "RECORD_FILE", "SLEEP_SECONDS"], identity: "all" },
        scriptsDir: FIXTURE_SCRIPTS,
        inputs: { STEP: "slow", VALUE: "1", RECORD_FILE: record, SLEEP_SECONDS: "8" },
      });
      app.synth();
      tofu(dir, ["init", "-input=false", "-no-color"], env());
    });
    afterAll(() => pg?.stop());

    test("a second apply fails on the lock or waits for it; the step runs once; the state is intact", async () => {
      const applyArgs = (lockTimeout: string) => ["apply", "-auto-approve", "-input=false", "-no-color", `-lock-timeout=${lockTimeout}`];
      const childEnv = { ...process.env, ...env(), TF_CLI_CONFIG_FILE: TOFU_CONFIG, CHECKPOINT_DISABLE: "1" };
      const started = (lockTimeout: string) => {
        const child = spawn(TOFU, applyArgs(lockTimeout), { cwd: dir, env: childEnv });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        const done = new Promise<{ code: number | null; output: string; at: number }>((resolve) => child.on("close", (code) => resolve({ code, output, at: Date.now() })));
        return { done, output: () => output };
      };
      const until = async (what: () => boolean, seconds: number) => {
        for (let waited = 0; !what(); waited += 0.1) {
          if (waited > seconds) throw new Error("timed out");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };

      const first = started("0s");
      await until(() => first.output().includes("Provisioning with 'local-exec'"), 60); // it holds the lock now

      const refused = spawnSync(TOFU, applyArgs("0s"), { cwd: dir, env: childEnv, encoding: "utf8" });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("Error acquiring the state lock");

      const waiting = started("120s");
      const [a, b] = await Promise.all([first.done, waiting.done]);
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      expect(b.output).toMatch(/No changes\.|0 added, 0 changed, 0 destroyed/);
      expect(b.at).toBeGreaterThanOrEqual(a.at); // it waited for the lock, then found the work done

      expect(fs.readFileSync(record, "utf8").trim().split("\n")).toEqual(["create STEP=slow VALUE=1"]);
      const state = tofu(dir, ["state", "list"], env());
      expect(state.stdout.trim()).toMatch(/^terraform_data\.Slow_[0-9A-F]+$/);
      expect(tofu(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], env()).stdout).toContain("No changes.");
    });
  });
});
