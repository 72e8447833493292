import * as path from "node:path";
import { AssetType, ITerraformDependable, TerraformAsset, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { projectRoot } from "../lab/project-root";
import { StepObservation, StepObservationProps } from "./step-observation";

/** Id of the per-stack asset that carries scripts/ into the synthesized output. */
const SCRIPTS_ASSET_ID = "Scripts";

export interface ScriptStepProps {
  /**
   * File name of the script in `scripts/` run when the step is created.
   * @default - nothing runs at create: a step that only undoes (`destroyScript` required)
   */
  readonly script?: string;
  /**
   * The script's inputs, passed as environment variables and stored in the
   * resource's `input` (so a destroy-time script reads them from `self`).
   * Never put a secret here: it is written to the synthesized JSON and state.
   * A change to any value re-runs the step.
   */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Script in `scripts/` run when the step is destroyed (or replaced, before
   * the new one runs). It sees the same environment, read from `self.input`.
   * @default - nothing runs at destroy
   */
  readonly destroyScript?: string;
  /**
   * Values that re-run the step when they change, without being passed to
   * the script (e.g. a hash of generated files).
   * @default - only `environment` re-runs the step
   */
  readonly triggers?: Readonly<Record<string, string>>;
  /**
   * The values whose change re-runs the step, instead of `environment` and
   * `triggers`: for steps with inputs that must not re-run them (a timeout).
   * Inputs left out still reach the script and are updated in place.
   * @default - `environment` and `triggers`
   */
  readonly replaceOn?: Readonly<Record<string, string>>;
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
 * - Inputs reach the script only through `environment`; destroy-time scripts
 *   reference only `self`.
 * - A failing script taints the resource, so the next apply runs it again;
 *   scripts are idempotent, so a re-run converges.
 */
export class ScriptStep extends Construct implements ITerraformDependable {
  /** The folder each stack's scripts asset was made from. */
  private static readonly assetDirs = new WeakMap<TerraformAsset, string>();

  /** The `terraform_data` resource that carries the provisioners. */
  public readonly resource: TerraformResource;
  /** What the step brings about, observed at refresh (when `observe` is given). */
  public readonly observation?: StepObservation;

  constructor(scope: Construct, id: string, props: ScriptStepProps) {
    super(scope, id);
    for (const [name, value] of Object.entries(props.environment)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) {
        throw new Error(`script step "${this.node.path}": environment variable name "${name}" must be upper-case letters, digits and "_"`);
      }
      if (typeof value !== "string") {
        throw new Error(`script step "${this.node.path}": environment variable ${name} must be a string (got ${typeof value})`);
      }
    }
    const kind = props.script ?? props.destroyScript;
    if (!kind) throw new Error(`script step "${this.node.path}": needs a script, a destroyScript or both`);
    const scripts = ScriptStep.scriptsAsset(this, props.scriptsDir);
    // The step's kind, for people and tools reading a plan (labcdk plan-summary).
    const environment = { LABCDK_STEP: kind.replace(/\.sh$/, ""), ...props.environment };
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
      this.resource.addOverride("lifecycle.replace_triggered_by", triggeredBy.map((t) => (t instanceof ScriptStep ? t.address : t.stateReference)));
    }
    this.resource.addOverride("input", environment);
    this.resource.addOverride("triggers_replace", props.replaceOn ?? { ...environment, ...(props.triggers ?? {}) });
    this.resource.addOverride("provisioner", [
      ...(props.script ? [{ "local-exec": { command: commandFor(props.script), environment } }] : []),
      ...(props.destroyScript
        ? [
            {
              "local-exec": {
                when: "destroy",
                command: commandFor(props.destroyScript),
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
