import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { OvercloudCommands, renderedEnvironment } from "./overcloud-deploy";
import { ScriptStep } from "./script-step";
import { OVERCLOUD_NODE_DELETE } from "./steps";

export interface OvercloudNodeDeleteProps {
  /** `OS_CLOUD` of the undercloud. */
  readonly cloud: string;
  /** Heat stack name of the overcloud. */
  readonly stackName: string;
  /** The TripleO dialect the commands are written in, passed to the script. */
  readonly dialect: string;
  /** Overcloud server names of the nodes that leave (the script skips those already gone). At least one. */
  readonly hostnames: readonly string[];
  /** The `overcloud node delete` commands and the files they read. */
  readonly rendered: OvercloudCommands;
  /** Folder on the applying machine where generated files are written and the commands run. */
  readonly workDir: string;
  /** Bound of the delete. @default 60 */
  readonly timeoutMinutes?: number;
  /** Steps that must finish first (the drains). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Scale-in, second step: `overcloud node delete` of the nodes that leave,
 * run by `overcloud-node-delete.sh`. Nodes already gone are skipped, so a
 * re-run converges.
 */
export class OvercloudNodeDelete extends Construct {
  /** Hostnames that leave. */
  public readonly hostnames: readonly string[];
  public readonly step: ScriptStep;

  constructor(scope: Construct, id: string, props: OvercloudNodeDeleteProps) {
    super(scope, id);
    if (props.hostnames.length === 0) throw new Error(`${this.node.path}: hostnames is empty; there is nothing to delete`);
    this.hostnames = props.hostnames;
    const rendered = renderedEnvironment(props.rendered);
    this.step = new ScriptStep(this, "Delete", {
      step: OVERCLOUD_NODE_DELETE,
      dependsOn: props.dependsOn,
      inputs: {
        OS_CLOUD: props.cloud,
        OVERCLOUD_STACK: props.stackName,
        OVERCLOUD_DIALECT: props.dialect,
        WORK_DIR: props.workDir,
        HOSTNAMES: this.hostnames.join(","),
        ...rendered,
        DELETE_TIMEOUT_MINUTES: String(props.timeoutMinutes ?? 60),
      },
    });
  }
}
