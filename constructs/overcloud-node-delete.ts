import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { OvercloudModel, RenderedCommands, renderedEnvironment, renderNodeDelete } from "./overcloud-dialects";
import { ScriptStep } from "./script-step";

export interface OvercloudNodeDeleteProps extends OvercloudModel {
  /** `OS_CLOUD` of the undercloud. */
  readonly cloud: string;
  /** Folder on the applying machine where generated files are written and the commands run. */
  readonly workDir: string;
  /** Bound of the delete. @default 60 */
  readonly timeoutMinutes?: number;
  /** Steps that must finish first (the drains). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Scale-in, second step: `overcloud node delete` of the nodes the roles
 * remove (`overcloud.roles.<role>.remove`), with the flags the dialect needs,
 * run by `overcloud-node-delete.sh`. Nodes already gone are skipped, so a
 * re-run converges. Create one only when a role removes a node.
 */
export class OvercloudNodeDelete extends Construct {
  /** Hostnames that leave. */
  public readonly hostnames: readonly string[];
  public readonly rendered: RenderedCommands;
  public readonly step: ScriptStep;

  constructor(scope: Construct, id: string, props: OvercloudNodeDeleteProps) {
    super(scope, id);
    this.hostnames = Object.values(props.roles).flatMap((role) => role.remove.map((node) => node.hostname));
    if (this.hostnames.length === 0) throw new Error(`${this.node.path}: no role removes a node; there is nothing to delete`);
    this.rendered = renderNodeDelete(props);
    const rendered = renderedEnvironment(this.rendered);
    this.step = new ScriptStep(this, "Delete", {
      script: "overcloud-node-delete.sh",
      dependsOn: props.dependsOn,
      environment: {
        OS_CLOUD: props.cloud,
        OVERCLOUD_STACK: props.stackName,
        OVERCLOUD_DIALECT: props.dialect,
        WORK_DIR: props.workDir,
        HOSTNAMES: this.hostnames.join(","),
        ...rendered,
        DELETE_TIMEOUT_MINUTES: String(props.timeoutMinutes ?? 60),
      },
      replaceOn: { OS_CLOUD: props.cloud, OVERCLOUD_STACK: props.stackName, RENDERED_SHA256: rendered.RENDERED_SHA256 },
    });
  }
}
