import { createHash } from "node:crypto";
import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ScriptStep } from "./script-step";
import { OVERCLOUD_DEPLOY } from "./steps";

/**
 * `openstack` commands and the files they read, as an overcloud step runs
 * them: in order, in one working folder where `files` have been written
 * first (generated file names in the commands are relative to it).
 */
export interface OvercloudCommands {
  /** `openstack` argument lists (without the `openstack` itself). */
  readonly commands: readonly (readonly string[])[];
  /** File name (relative to the working folder) → content. */
  readonly files: Readonly<Record<string, string>>;
}

export interface OvercloudDeployProps {
  /** `OS_CLOUD` of the undercloud (where Heat runs the overcloud stack). */
  readonly cloud: string;
  /** Heat stack name of the overcloud. */
  readonly stackName: string;
  /** The TripleO dialect the commands are written in (legacy-flags, parameter-defaults, node-provision), passed to the script. */
  readonly dialect: string;
  /** The deploy's commands and files (a change re-runs the deploy). */
  readonly rendered: OvercloudCommands;
  /** Deprecated forms the commands use, shown as warnings at synth. @default - none */
  readonly warnings?: readonly string[];
  /**
   * Ironic profile → nodes the deploy asks for with that profile: the script
   * refuses a deploy that would shrink a role without a named scale-in (more
   * active nodes of the profile than the count).
   */
  readonly profileCounts: Readonly<Record<string, number>>;
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
 * The overcloud deploy (runbook Part 2): the commands that bring the
 * overcloud to the lab's role counts, run by `overcloud-deploy.sh`, which
 * waits (bounded) for the Heat stack to reach `*_COMPLETE`. It re-runs only
 * when the rendered commands or files change.
 */
export class OvercloudDeploy extends Construct {
  public readonly step: ScriptStep;

  constructor(scope: Construct, id: string, props: OvercloudDeployProps) {
    super(scope, id);
    for (const warning of props.warnings ?? []) Annotations.of(this).addWarning(warning);
    const rendered = renderedEnvironment(props.rendered);
    const hosts = props.computeHosts ?? [];
    if (hosts.length > 0 && !props.overcloudCloud) {
      throw new Error(`overcloud deploy "${this.node.path}": computeHosts are observed in the overcloud, so overcloudCloud is required`);
    }
    this.step = new ScriptStep(this, "Deploy", {
      step: OVERCLOUD_DEPLOY,
      dependsOn: props.dependsOn,
      inputs: {
        OS_CLOUD: props.cloud,
        OVERCLOUD_STACK: props.stackName,
        OVERCLOUD_DIALECT: props.dialect,
        WORK_DIR: props.workDir,
        ...rendered,
        PROFILE_COUNTS_JSON: JSON.stringify(props.profileCounts),
        DEPLOY_TIMEOUT_MINUTES: String(props.timeoutMinutes ?? 90),
      },
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

/**
 * An overcloud step's script inputs: the commands, the files, and their
 * fingerprint (what re-runs the step).
 */
export function renderedEnvironment(rendered: OvercloudCommands): { COMMANDS_JSON: string; FILES_JSON: string; RENDERED_SHA256: string } {
  return { COMMANDS_JSON: JSON.stringify(rendered.commands), FILES_JSON: JSON.stringify(rendered.files), RENDERED_SHA256: renderedFingerprint(rendered) };
}

/**
 * SHA-256 of the commands and files: what re-runs a step. Only these two
 * count (warnings, say, change nothing that runs).
 */
export function renderedFingerprint(rendered: OvercloudCommands): string {
  return createHash("sha256").update(JSON.stringify({ commands: rendered.commands, files: rendered.files })).digest("hex");
}
