import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { OvercloudModel, renderDeploy, RenderedCommands, renderedEnvironment } from "./overcloud-dialects";
import { ScriptStep } from "./script-step";

export interface OvercloudDeployProps extends OvercloudModel {
  /** `OS_CLOUD` of the undercloud (where Heat runs the overcloud stack). */
  readonly cloud: string;
  /** Folder on the applying machine where generated files are written and the commands run. */
  readonly workDir: string;
  /** Upper bound of one deploy run; a change does not re-run the deploy. @default 90 */
  readonly timeoutMinutes?: number;
  /** Steps the deploy waits for (the nodes it will use, a scale-in). @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The compute hosts the deployed overcloud has, observed at every refresh
   * in `overcloudCloud` (nova-compute service up): one missing or down plans
   * the deploy again.
   * @default - not observed
   */
  readonly computeHosts?: readonly string[];
  /** `OS_CLOUD` of the overcloud, where `computeHosts` are observed. Required with `computeHosts`. */
  readonly overcloudCloud?: string;
}

/**
 * The overcloud deploy (runbook Part 2): the lab's role counts rendered in
 * its TripleO dialect, run by `overcloud-deploy.sh`, which waits (bounded)
 * for the Heat stack to reach `*_COMPLETE`. It re-runs only when the
 * rendered commands or files change.
 */
export class OvercloudDeploy extends Construct {
  /** The commands and generated files, as they run. */
  public readonly rendered: RenderedCommands;
  public readonly step: ScriptStep;

  constructor(scope: Construct, id: string, props: OvercloudDeployProps) {
    super(scope, id);
    this.rendered = renderDeploy(props);
    for (const warning of this.rendered.warnings) Annotations.of(this).addWarning(warning);

    // Profile → count: the script refuses a deploy that would shrink a role
    // without a named scale-in (more active nodes of the profile than the count).
    const profileCounts: Record<string, number> = {};
    for (const role of Object.values(props.roles)) profileCounts[role.profile] = (profileCounts[role.profile] ?? 0) + role.count;

    const rendered = renderedEnvironment(this.rendered);
    const hosts = props.computeHosts ?? [];
    if (hosts.length > 0 && !props.overcloudCloud) {
      throw new Error(`overcloud deploy "${this.node.path}": computeHosts are observed in the overcloud, so overcloudCloud is required`);
    }
    this.step = new ScriptStep(this, "Deploy", {
      script: "overcloud-deploy.sh",
      dependsOn: props.dependsOn,
      environment: {
        OS_CLOUD: props.cloud,
        OVERCLOUD_STACK: props.stackName,
        OVERCLOUD_DIALECT: props.dialect,
        WORK_DIR: props.workDir,
        ...rendered,
        PROFILE_COUNTS_JSON: JSON.stringify(profileCounts),
        DEPLOY_TIMEOUT_MINUTES: String(props.timeoutMinutes ?? 90),
      },
      replaceOn: { OS_CLOUD: props.cloud, OVERCLOUD_STACK: props.stackName, RENDERED_SHA256: rendered.RENDERED_SHA256 },
      observe:
        hosts.length > 0
          ? {
              check: "compute-hosts",
              inputs: { OS_CLOUD: props.overcloudCloud!, COMPUTE_HOSTS: hosts.join(",") },
              state: hosts.map((host) => `${host}:up`).join(","),
            }
          : undefined,
    });
  }
}
