import { TerraformAsset, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { LabcdkProvider } from "../.gen/providers/labcdk/provider";
import { Observation } from "../.gen/providers/labcdk/observation";

/** Id of the per-stack labcdk provider block. */
const PROVIDER_ID = "labcdk";
/** Bound of one observer run (the provider's `timeout_seconds`). */
const OBSERVER_TIMEOUT_SECONDS = 120;
/** Observers running at once per stack (the provider's `concurrency`): each authenticates against the cloud. */
const OBSERVER_CONCURRENCY = 4;

/** The checks scripts/observe-step.sh knows (its --help says the inputs each needs). */
export const OBSERVATION_CHECKS = ["ironic-nodes", "ironic-nodes-capabilities", "nova-instance-host", "compute-hosts"] as const;
export type ObservationCheck = (typeof OBSERVATION_CHECKS)[number];

export interface StepObservationProps {
  /** What scripts/observe-step.sh observes (its docstring says what each prints). */
  readonly check: ObservationCheck;
  /**
   * The check's inputs, given to the observer as environment variables.
   * Stored in state: never a secret.
   */
  readonly inputs: Readonly<Record<string, string>>;
  /** The state the step brings about, in the observer's words (e.g. `registered`). */
  readonly state: string;
  /** The stack's scripts asset (the observer travels in it). */
  readonly scripts: TerraformAsset;
}

/**
 * What a script step brings about, observed at every refresh: a
 * `labcdk_observation` (labcdk's own provider, providers/labcdk) whose
 * refresh runs the read-only scripts/observe-step.sh.
 *
 * Drift (a node deleted by hand, an instance moved) shows in the plan as an
 * update of the observation back to `state`; the step names the observation's
 * `state` in `replace_triggered_by`, so it runs again in the same apply, and
 * afterwards the observer prints `state` again: the next plan is empty.
 * A cloud that cannot be reached fails the refresh with the observer's message.
 */
export class StepObservation extends Construct {
  public readonly resource: Observation;

  constructor(scope: Construct, id: string, props: StepObservationProps) {
    super(scope, id);
    if (props.state === "" || props.state.includes("\n")) {
      throw new Error(`observation "${this.node.path}": state must be one non-empty line (got ${JSON.stringify(props.state)})`);
    }
    for (const name of Object.keys(props.inputs)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) {
        throw new Error(`observation "${this.node.path}": input name "${name}" must be upper-case letters, digits and "_"`);
      }
    }
    const provider = StepObservation.providerOf(this, props);
    this.resource = new Observation(this, "Resource", {
      provider,
      check: props.check,
      inputs: { ...props.inputs },
      state: props.state,
    });
  }

  /** The `replace_triggered_by` reference a step uses: the observation's `state`. */
  public get stateReference(): string {
    return `${this.resource.terraformResourceType}.${this.resource.friendlyUniqueId}.state`;
  }

  /**
   * The stack's labcdk provider block, created on first use. Its `observer`
   * holds the scripts asset's path; a provider block is not stored in state,
   * so a new scripts asset changes no observation.
   */
  private static providerOf(scope: Construct, props: StepObservationProps): LabcdkProvider {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID) as LabcdkProvider | undefined;
    if (existing) return existing;
    return new LabcdkProvider(stack, PROVIDER_ID, {
      observer: ["bash", `\${path.module}/${props.scripts.path}/observe-step.sh`],
      timeoutSeconds: OBSERVER_TIMEOUT_SECONDS,
      concurrency: OBSERVER_CONCURRENCY,
    });
  }
}
