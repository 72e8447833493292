import * as path from "node:path";
import { AssetType, ITerraformDependable, TerraformAsset, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { projectRoot } from "../lab/project-root";
import { StepObservation, StepObservationProps } from "./step-observation";
import { isIdentityInput, STEP_KIND_INPUT, StepDeclaration, StepInputs } from "./steps";

/** Id of the per-stack asset that carries scripts/ into the synthesized output. */
const SCRIPTS_ASSET_ID = "Scripts";

export interface ScriptStepProps<Required extends string = string, Optional extends string = never> {
  /**
   * What kind of step this is (constructs/steps.ts): its kind, its scripts,
   * which inputs are its identity and which change in place.
   */
  readonly step: StepDeclaration<Required, Optional>;
  /**
   * The script's inputs, passed as environment variables with `LABCDK_STEP`
   * (the step's kind) first, and stored in the resource's `input` (so a
   * destroy-time script reads them from `self`). Never put a secret here:
   * it is written to the synthesized JSON and state. A change of an input
   * of the step's identity runs the step again; the others are updated in
   * place and reach the script at its next run.
   */
  readonly inputs: StepInputs<Required, Optional>;
  /**
   * Folder the scripts come from; it travels with the stack as one asset.
   * Every step of a stack must use the same folder.
   * @default - the project's scripts/ folder
   */
  readonly scriptsDir?: string;
  /** Resources this step waits for. @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * What the step brings about, observed at every refresh: when the cloud
   * has drifted from `state`, the plan runs the step again (and nothing
   * else). See `StepObservation`.
   * @default - not observed: the plan cannot see drift
   */
  readonly observe?: ScriptStepObservation;
  /**
   * More reasons to run the step again, made elsewhere: observations whose
   * drift, and steps whose replacement, re-run it (`replace_triggered_by`).
   * @default - none
   */
  readonly replaceTriggeredBy?: ReadonlyArray<StepObservation | ScriptStep>;
}

/** The `observe` of a script step: what to observe, and the state the step brings about. */
export type ScriptStepObservation = Pick<StepObservationProps, "check" | "inputs" | "state">;

/**
 * One step of the lab that no Terraform provider covers, done by a script of
 * `scripts/` run by `local-exec` on a `terraform_data` resource.
 *
 * - The scripts travel with the synthesized stack (one asset per stack), so
 *   `cdktf.out/stacks/<stack>` can be applied on another machine.
 * - Inputs reach the script only through its environment; destroy-time scripts
 *   reference only `self`.
 * - A failing script taints the resource, so the next apply runs it again;
 *   scripts are idempotent, so a re-run converges.
 */
export class ScriptStep<Required extends string = string, Optional extends string = never> extends Construct implements ITerraformDependable {
  /** The folder each stack's scripts asset was made from. */
  private static readonly assetDirs = new WeakMap<TerraformAsset, string>();

  /** The `terraform_data` resource that carries the provisioners. */
  public readonly resource: TerraformResource;
  /** What the step brings about, observed at refresh (when `observe` is given). */
  public readonly observation?: StepObservation;

  constructor(scope: Construct, id: string, props: ScriptStepProps<Required, Optional>) {
    super(scope, id);
    const inputs: Readonly<Record<string, string | undefined>> = props.inputs;
    for (const [name, value] of Object.entries(inputs)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) {
        throw new Error(`script step "${this.node.path}": environment variable name "${name}" must be upper-case letters, digits and "_"`);
      }
      if (typeof value !== "string") {
        throw new Error(`script step "${this.node.path}": environment variable ${name} must be a string (got ${typeof value})`);
      }
    }
    const { step } = props;
    if (!step.script && !step.destroyScript) throw new Error(`script step "${this.node.path}": step kind "${step.kind}" declares no script and no destroyScript`);
    const scripts = ScriptStep.scriptsAsset(this, props.scriptsDir);
    // The step's kind, for people and tools reading a plan (labcdk plan-summary).
    const environment = { [STEP_KIND_INPUT]: step.kind, ...(inputs as Record<string, string>) };
    const identity = Object.fromEntries(Object.entries(environment).filter(([name]) => isIdentityInput(step.identity, name)));
    const commandFor = (script: string) => `bash "\${path.module}/${scripts.path}/${script}"`;

    // cdktf's DataResource would do, but it runs `terraform version` at synth for
    // every instance (a binary at synth time, and ~37 ms each); the core
    // TerraformResource with the built-in type synthesizes the same JSON.
    this.resource = new TerraformResource(this, "Resource", {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      dependsOn: props.dependsOn,
    });
    if (props.observe) {
      this.observation = new StepObservation(this, "Observed", { ...props.observe, scripts });
    }
    const triggeredBy = [...(this.observation ? [this.observation] : []), ...(props.replaceTriggeredBy ?? [])];
    if (triggeredBy.length > 0) {
      this.resource.addOverride("lifecycle.replace_triggered_by", triggeredBy.map((t) => (t instanceof StepObservation ? t.stateReference : t.address)));
    }
    this.resource.addOverride("input", environment);
    this.resource.addOverride("triggers_replace", identity);
    this.resource.addOverride("provisioner", [
      ...(step.script ? [{ "local-exec": { command: commandFor(step.script), environment } }] : []),
      ...(step.destroyScript
        ? [
            {
              "local-exec": {
                when: "destroy",
                command: commandFor(step.destroyScript),
                // The whole stored input, not a list of names: a resource created by an
                // older version (other variable names) still destroys cleanly.
                environment: "${self.input}",
              },
            },
          ]
        : []),
    ]);
  }

  /** The resource's address (`terraform_data.<id>`), as `replace_triggered_by` names it. */
  public get address(): string {
    return `${this.resource.terraformResourceType}.${this.resource.friendlyUniqueId}`;
  }

  /** `ITerraformDependable`: depending on the step means depending on its resource. */
  public get fqn(): string {
    return this.resource.fqn;
  }

  /**
   * The stack's scripts asset (scripts/ travelling with the stack), created on
   * first use; for constructs that run the scripts without a step (observations).
   */
  public static scriptsAsset(scope: Construct, scriptsDir?: string): TerraformAsset {
    const dir = scriptsDir ?? path.join(projectRoot(), "scripts");
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(SCRIPTS_ASSET_ID) as TerraformAsset | undefined;
    if (!existing) {
      const asset = new TerraformAsset(stack, SCRIPTS_ASSET_ID, { path: dir, type: AssetType.DIRECTORY });
      ScriptStep.assetDirs.set(asset, dir);
      return asset;
    }
    if (ScriptStep.assetDirs.get(existing) !== dir) {
      throw new Error(`script step "${scope.node.path}": scriptsDir ${dir} differs from the folder other steps of stack "${stack.node.id}" use (${ScriptStep.assetDirs.get(existing)})`);
    }
    return existing;
  }
}
