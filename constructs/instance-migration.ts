import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ScriptStep } from "./script-step";
import { MIGRATE_INSTANCE } from "./steps";
import { ReachabilityCheck } from "./test-instance";

/** How Nova moves an instance: cold (resize-style migrate, confirmed), live, or live with its disks (block migration). */
export type MigrationKind = "cold" | "live" | "block-live";

export interface InstanceMigrationProps {
  /** `OS_CLOUD` of the overcloud. */
  readonly cloud: string;
  /** Server UUID (e.g. `ComputeInstanceV2.id`). */
  readonly instanceId: string;
  /** Server name, for messages and plan summaries. */
  readonly instanceName: string;
  /** Compute host the instance should live on. */
  readonly targetHost: string;
  /** How it may move. @default "cold" */
  readonly kind?: MigrationKind;
  /** Bound of each wait (migrate, confirm). @default 900 */
  readonly timeoutSeconds?: number;
  /** The instance's floating IP, checked again after the move. @default - no check */
  readonly floatingIp?: string;
  /** How that check is done (see `TestInstanceProps.reachabilityCheck`). @default "none" */
  readonly reachabilityCheck?: ReachabilityCheck;
  /** Steps the migration waits for (e.g. the floating IP association). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * "This instance lives on host X" (runbook Part 5): checks the target's
 * compute service and free capacity (Placement) first, migrates, confirms
 * and verifies; a no-op when the instance is already there. The instance's
 * `availability_zone` keeps its boot host, and the provider compares only
 * the zone part of it, so a plan after the move replaces nothing.
 */
export class InstanceMigration extends Construct {
  public readonly step: ScriptStep;

  constructor(scope: Construct, id: string, props: InstanceMigrationProps) {
    super(scope, id);
    this.step = new ScriptStep(this, "Migrate", {
      step: MIGRATE_INSTANCE,
      dependsOn: props.dependsOn,
      inputs: {
        OS_CLOUD: props.cloud,
        INSTANCE_ID: props.instanceId,
        INSTANCE_NAME: props.instanceName,
        TARGET_HOST: props.targetHost,
        MIGRATION_KIND: props.kind ?? "cold",
        TIMEOUT_SECONDS: String(props.timeoutSeconds ?? 900),
        ...(props.floatingIp ? { FLOATING_IP: props.floatingIp, REACHABILITY_CHECK: props.reachabilityCheck ?? "none" } : {}),
      },
      // Moved by hand (or by Nova): the plan shows this step again, not a new server.
      observe: {
        check: "nova-instance-host",
        inputs: { OS_CLOUD: props.cloud, INSTANCE_ID: props.instanceId, TARGET_HOST: props.targetHost },
        state: `host=${props.targetHost}`,
      },
    });
  }
}
