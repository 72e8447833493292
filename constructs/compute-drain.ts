import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { MigrationKind } from "./instance-migration";
import { ScriptStep } from "./script-step";
import { DRAIN_COMPUTE } from "./steps";

export interface ComputeDrainProps {
  /** `OS_CLOUD` of the overcloud (its Nova and Placement). */
  readonly cloud: string;
  /** Compute host that leaves the overcloud. */
  readonly computeHost: string;
  /** Hosts that stay; the drained instances go there. At least one. */
  readonly remainingHosts: readonly string[];
  /** How the instances move. @default "live" */
  readonly kind?: MigrationKind;
  /** Bound of each wait of each migration. @default 900 */
  readonly timeoutSeconds?: number;
  /** Steps the drain waits for. @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Scale-in, first step: empties a compute host before its node is deleted.
 * `drain-compute.sh` checks that the remaining hosts have room for every
 * instance (refusing, with the numbers, before anything changes), disables
 * the host's nova-compute so nothing new lands there, migrates each instance
 * with `migrate-instance.sh`, and verifies the host is empty. Re-running it
 * on an empty, disabled host does nothing.
 */
export class ComputeDrain extends Construct {
  public readonly step: ScriptStep;

  constructor(scope: Construct, id: string, props: ComputeDrainProps) {
    super(scope, id);
    if (props.remainingHosts.length === 0) {
      throw new Error(`${this.node.path}: draining ${props.computeHost} needs at least one remaining compute host`);
    }
    if (props.remainingHosts.includes(props.computeHost)) {
      throw new Error(`${this.node.path}: ${props.computeHost} cannot be both drained and a remaining host`);
    }
    this.step = new ScriptStep(this, "Drain", {
      step: DRAIN_COMPUTE,
      dependsOn: props.dependsOn,
      inputs: {
        OS_CLOUD: props.cloud,
        DRAIN_HOST: props.computeHost,
        REMAINING_HOSTS: props.remainingHosts.join(","),
        MIGRATION_KIND: props.kind ?? "live",
        TIMEOUT_SECONDS: String(props.timeoutSeconds ?? 900),
      },
    });
  }
}
