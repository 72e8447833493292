import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { deployArguments, OvercloudDeployModel } from "./overcloud-command";
import { ScriptStep } from "./script-step";

export interface OvercloudDeployProps extends OvercloudDeployModel {
  /** `OS_CLOUD` of the undercloud (where Heat runs the overcloud stack). */
  readonly cloud: string;
  /** Upper bound of one deploy run. @default 90 */
  readonly timeoutMinutes?: number;
  /** Steps the deploy waits for (the nodes it will use). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The overcloud deploy (runbook Part 2): re-runs `openstack overcloud deploy`
 * with the lab's role counts, everything else unchanged, and waits for the
 * Heat stack to reach `*_COMPLETE`. It re-runs only when the rendered
 * command changes.
 */
export class OvercloudDeploy extends Construct {
  /** The rendered `openstack` arguments. */
  public readonly arguments: readonly string[];
  public readonly step: ScriptStep;

  constructor(scope: Construct, id: string, props: OvercloudDeployProps) {
    super(scope, id);
    this.arguments = deployArguments(props);
    if (props.dialect === "legacy-flags") {
      Annotations.of(this).addWarning(
        "overcloud.dialect legacy-flags: --*-scale/--*-flavor were deprecated in Newton and removed in python-tripleoclient 15; releases after that take dialect parameter-defaults (ComputeCount, ...) or node-provision",
      );
    }
    this.step = new ScriptStep(this, "Deploy", {
      script: "overcloud-deploy.sh",
      dependsOn: props.dependsOn,
      environment: {
        OS_CLOUD: props.cloud,
        OVERCLOUD_STACK: props.stackName,
        DEPLOY_ARGUMENTS_JSON: JSON.stringify(this.arguments),
        DEPLOY_TIMEOUT_MINUTES: String(props.timeoutMinutes ?? 90),
      },
    });
  }
}
