import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { ScriptStep } from "../../constructs/script-step";
import { StepDeclaration } from "../../constructs/steps";
import { describeWithTofu, tofu } from "../helpers/tofu";

const FIXTURE_SCRIPTS = path.join(__dirname, "..", "fixtures", "scripts");

/** The fixture scripts' step: any input, every input its identity. */
const RECORD: StepDeclaration<never, string> = { kind: "record", script: "record.sh", destroyScript: "record-destroy.sh", inputs: [], identity: "all" };
/** Only undoes. */
const UNDO: StepDeclaration<never, string> = { kind: "record-undo", destroyScript: "record-destroy.sh", inputs: [], identity: "all" };

function stackWith(app: App, steps: Record<string, string>, extra: Record<string, string> = {}): TerraformStack {
  const stack = new TerraformStack(app, "steps");
  for (const [step, value] of Object.entries(steps)) {
    new ScriptStep(stack, `Step-${step}`, {
      step: RECORD,
      scriptsDir: FIXTURE_SCRIPTS,
      inputs: { STEP: step, VALUE: value, RECORD_FILE: extra.RECORD_FILE ?? "/dev/null", ...(extra.FAIL_ONCE_MARKER ? { FAIL_ONCE_MARKER: extra.FAIL_ONCE_MARKER } : {}) },
    });
  }
  return stack;
}

describe("ScriptStep", () => {
  test("refuses environment names a shell would mangle", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => new ScriptStep(stack, "Bad", { step: RECORD, inputs: { "node-name": "a" } })).toThrow(
      'script step "s/Bad": environment variable name "node-name" must be upper-case letters, digits and "_"',
    );
  });

  test("all steps of a stack share one scripts asset", () => {
    const app = Testing.app();
    const stack = stackWith(app, { a: "1", b: "2" });
    const json = JSON.parse(Testing.synth(stack));
    const commands = Object.values(json.resource.terraform_data).map((r: any) => r.provisioner[0]["local-exec"].command);
    expect(new Set(commands.map((c: string) => path.dirname(c))).size).toBe(1);
  });
});

describe("ScriptStep observe", () => {
  const observed = (stack: TerraformStack, id: string, state = "registered") =>
    new ScriptStep(stack, id, {
      step: RECORD,
      scriptsDir: FIXTURE_SCRIPTS,
      inputs: { STEP: id },
      observe: { check: "ironic-nodes", inputs: { OS_CLOUD: "undercloud", NODE_NAMES: id.toLowerCase() }, state },
    });

  test("each observed step names its own observation's state in replace_triggered_by; one labcdk provider per stack", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const a = observed(stack, "A");
    observed(stack, "B");
    new ScriptStep(stack, "C", { step: RECORD, scriptsDir: FIXTURE_SCRIPTS, inputs: {} });
    const json = JSON.parse(Testing.synth(stack));
    const steps = json.resource.terraform_data;
    const observations = json.resource.labcdk_observation;
    expect(Object.keys(observations)).toHaveLength(2);
    const stepA = steps[a.resource.friendlyUniqueId];
    expect(stepA.lifecycle.replace_triggered_by).toEqual([`labcdk_observation.${a.observation!.resource.friendlyUniqueId}.state`]);
    expect(observations[a.observation!.resource.friendlyUniqueId]).toMatchObject({ check: "ironic-nodes", inputs: { NODE_NAMES: "a" }, state: "registered" });
    expect(steps[Object.keys(steps).find((k) => k.startsWith("C_"))!].lifecycle).toBeUndefined();
    expect(json.provider.labcdk).toHaveLength(1);
    // The observer is the scripts asset's observe-step.sh, next to the steps' own scripts.
    const command: string = stepA.provisioner[0]["local-exec"].command;
    expect(json.provider.labcdk[0].observer).toEqual(["bash", `${path.dirname(command.replace(/^bash "|"$/g, ""))}/observe-step.sh`]);
  });

  test("refuses a state the observer could never print, and an input name a shell would mangle", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => observed(stack, "Empty", "")).toThrow('observation "s/Empty/Observed": state must be one non-empty line (got "")');
    expect(() => observed(stack, "Two", "a\nb")).toThrow("state must be one non-empty line");
    expect(
      () => new ScriptStep(stack, "BadInput", { step: RECORD, scriptsDir: FIXTURE_SCRIPTS, inputs: {}, observe: { check: "compute-hosts", inputs: { "os-cloud": "x" }, state: "a:up" } }),
    ).toThrow('input name "os-cloud" must be upper-case letters, digits and "_"');
  });

  test("a step with only a destroy script runs nothing at create; a step with neither is refused", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const undo = new ScriptStep(stack, "Undo", { step: UNDO, scriptsDir: FIXTURE_SCRIPTS, inputs: { STEP: "u" } });
    const json = JSON.parse(Testing.synth(stack));
    const resource = json.resource.terraform_data[undo.resource.friendlyUniqueId];
    expect(resource.provisioner).toEqual([{ "local-exec": expect.objectContaining({ when: "destroy" }) }]);
    expect(resource.input.LABCDK_STEP).toBe("record-undo");
    const nothing: StepDeclaration<never, string> = { kind: "nothing", inputs: [], identity: "all" };
    expect(() => new ScriptStep(stack, "Nothing", { step: nothing, inputs: {} })).toThrow('script step "s/Nothing": step kind "nothing" declares no script and no destroyScript');
  });
});

describeWithTofu("ScriptStep applied by OpenTofu", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-step-"));
  const record = path.join(work, "record.log");
  const stateDir = path.join(work, "state");
  fs.mkdirSync(stateDir);
  const lines = () => (fs.existsSync(record) ? fs.readFileSync(record, "utf8").trim().split("\n") : []);

  /** Synthesizes, then applies with a state file that survives re-synths. */
  function apply(steps: Record<string, string>, extra: Record<string, string> = {}, args: string[] = []) {
    const outdir = path.join(work, `out-${Date.now()}-${Math.random()}`);
    const app = new App({ outdir });
    stackWith(app, steps, { RECORD_FILE: record, ...extra });
    app.synth();
    const dir = path.join(outdir, "stacks", "steps");
    tofu(dir, ["init", "-input=false", "-no-color"]);
    return { dir, run: (more: string[]) => tofu(dir, [...more, "-input=false", "-no-color", `-state=${path.join(stateDir, "terraform.tfstate")}`, ...args]) };
  }

  test("create runs the script with its environment; a second plan is empty", () => {
    const { run } = apply({ a: "1" });
    run(["apply", "-auto-approve"]);
    expect(lines()).toEqual(["create STEP=a VALUE=1"]);
    const plan = run(["plan", "-detailed-exitcode"]);
    expect(plan.stdout).toContain("No changes.");
  });

  test("a changed input re-runs that step only: destroy with the old input, then create with the new", () => {
    fs.rmSync(record, { force: true });
    const { run } = apply({ a: "2" });
    run(["apply", "-auto-approve"]);
    expect(lines()).toEqual(["destroy STEP=a VALUE=1", "create STEP=a VALUE=2"]);
  });

  test("a failing script taints the step; the next apply runs it again and converges", () => {
    fs.rmSync(record, { force: true });
    const marker = path.join(work, "failed-once");
    const { run } = apply({ a: "2", b: "1" }, { FAIL_ONCE_MARKER: marker });
    expect(() => run(["apply", "-auto-approve"])).toThrow(/failing once on purpose/);
    run(["apply", "-auto-approve"]);
    const plan = run(["plan", "-detailed-exitcode"]);
    expect(plan.stdout).toContain("No changes.");
    // b ran twice: failed, then succeeded. A tainted step is re-run without its destroy
    // script (Terraform skips destroy provisioners of tainted resources), so a failed
    // enrolment is retried, never unregistered.
    expect(lines().filter((l) => l.includes("STEP=b"))).toEqual(["create STEP=b VALUE=1", "create STEP=b VALUE=1"]);
  });

  test("destroy runs the destroy script of every step, from self", () => {
    fs.rmSync(record, { force: true });
    const { run } = apply({ a: "2", b: "1" }, { FAIL_ONCE_MARKER: path.join(work, "failed-once") });
    run(["destroy", "-auto-approve"]);
    expect(lines().sort()).toEqual(["destroy STEP=a VALUE=2", "destroy STEP=b VALUE=1"]);
  });
});
