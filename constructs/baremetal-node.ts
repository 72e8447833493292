import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { BaremetalNodeDefinition } from "../lab/instackenv";
import { ScriptStep } from "./script-step";

export interface BaremetalNodeProps {
  /** The node as read from the node file (no password in it). */
  readonly node: BaremetalNodeDefinition;
  /**
   * Path of the node file relative to the project folder. The scripts read
   * the BMC password from it at apply time; it is never synthesized.
   */
  readonly nodeFile: string;
  /** Glance image UUID written to driver_info `deploy_kernel`. */
  readonly deployKernelId: string;
  /** Glance image UUID written to driver_info `deploy_ramdisk`. */
  readonly deployRamdiskId: string;
  /** Capabilities merged into `properties/capabilities` (e.g. profile:compute). @default - those of the node file */
  readonly capabilities?: Readonly<Record<string, string>>;
  /** `OS_CLOUD` of the undercloud. */
  readonly cloud: string;
  /** Bound of the introspection wait. @default 1800 */
  readonly introspectionTimeoutSeconds?: number;
  /** Poll interval of the introspection wait. @default 10 */
  readonly introspectionPollSeconds?: number;
  /**
   * Introspections at once on the machine that applies, across all nodes
   * (flock slots). Terraform's `-parallelism` (default 10) also bounds how
   * many steps run at once: raise it to use more slots.
   * @default 20
   */
  readonly introspectionConcurrency?: number;
}

/**
 * One bare-metal node in Ironic, taken through the runbook's Part 1 with
 * today's API: enroll (driver, driver_info, properties, ports, deploy
 * images) → manage → inspect → tag capabilities → provide (`available`).
 *
 * Three resources, so that neither re-tagging nor a repair unregisters a machine:
 * - `Registration` (identity: driver, BMC, MACs, properties, deploy images)
 *   runs nothing at create; its destroy unregisters the node, and refuses
 *   while an instance is on it. A change of identity replaces it.
 * - `Enroll` (same identity) enrolls, inspects, tags and provides. It runs
 *   again when the node is observed missing or left before `available`
 *   (deleted by hand, put back to manageable): see `StepObservation`.
 * - `Tag` (capabilities): runs again when the capabilities change, in the
 *   lab or by hand on the node.
 */
export class BaremetalNode extends Construct {
  /** Holds the node's unregistration (destroy) for as long as its identity stays the same. */
  public readonly registration: ScriptStep;
  public readonly enroll: ScriptStep;
  public readonly tag: ScriptStep;

  constructor(scope: Construct, id: string, props: BaremetalNodeProps) {
    super(scope, id);
    const n = props.node;
    if (n.classicDriver) {
      Annotations.of(this).addWarning(`node "${n.name}": classic driver "${n.classicDriver}" is registered as the hardware type "${n.driver}" (classic drivers were removed from Ironic in Rocky)`);
    }
    const capabilities = { ...n.capabilities, ...(props.capabilities ?? {}) };
    const capabilityList = Object.entries(capabilities).map(([k, v]) => `${k}:${v}`).join(",");
    const identity = {
      OS_CLOUD: props.cloud,
      NODE_NAME: n.name,
      NODE_FILE: props.nodeFile,
      NODE_DRIVER: n.driver,
      NODE_BMC_ADDRESS: n.bmcAddress ?? "",
      NODE_BMC_PORT: n.bmcPort === undefined ? "" : String(n.bmcPort),
      NODE_BMC_USERNAME: n.bmcUsername ?? "",
      NODE_BMC_SYSTEM_ID: n.bmcSystemId ?? "",
      NODE_MACS: n.macs.join(","),
      NODE_CPUS: n.cpus === undefined ? "" : String(n.cpus),
      NODE_MEMORY_MB: n.memoryMb === undefined ? "" : String(n.memoryMb),
      NODE_LOCAL_GB: n.localGb === undefined ? "" : String(n.localGb),
      NODE_CPU_ARCH: n.cpuArch ?? "",
      NODE_RESOURCE_CLASS: n.resourceClass ?? "",
      NODE_INTERFACES: Object.entries(n.interfaces).map(([k, v]) => `${k}=${v}`).join(","),
      DEPLOY_KERNEL_ID: props.deployKernelId,
      DEPLOY_RAMDISK_ID: props.deployRamdiskId,
      INTROSPECTION_TIMEOUT_SECONDS: String(props.introspectionTimeoutSeconds ?? 1800),
      INTROSPECTION_POLL_SECONDS: String(props.introspectionPollSeconds ?? 10),
      INTROSPECTION_CONCURRENCY: String(props.introspectionConcurrency ?? 20),
    };
    // Unregistering is its own resource, so that the Enroll step can run again
    // (drift) without unregistering the node first: only a change of identity
    // or a destroy replaces or destroys the registration.
    this.registration = new ScriptStep(this, "Registration", {
      destroyScript: "unenroll-node.sh",
      environment: identity,
    });
    this.enroll = new ScriptStep(this, "Enroll", {
      script: "enroll-node.sh",
      dependsOn: [this.registration],
      // The capabilities too: a node it registers again (deleted by hand) comes back tagged.
      environment: { ...identity, NODE_CAPABILITIES: capabilityList },
      // ... but a new capability re-runs only the Tag step, never a re-registration.
      replaceOn: { LABCDK_STEP: "enroll-node", ...identity },
      observe: { check: "ironic-node", inputs: { OS_CLOUD: props.cloud, NODE_NAME: n.name }, state: "registered" },
    });
    this.tag = new ScriptStep(this, "Tag", {
      script: "tag-node.sh",
      dependsOn: [this.enroll],
      environment: {
        OS_CLOUD: props.cloud,
        NODE_NAME: n.name,
        NODE_CAPABILITIES: capabilityList,
      },
      observe: {
        check: "ironic-node-capabilities",
        inputs: { OS_CLOUD: props.cloud, NODE_NAME: n.name, NODE_CAPABILITIES: capabilityList },
        state: capabilityState(capabilities),
      },
    });
  }
}

/**
 * The Tag step's observed state: the wanted capabilities sorted by key, as
 * scripts/lib/observe_step.py prints them (`boot_option:local,profile:compute`).
 */
export function capabilityState(capabilities: Readonly<Record<string, string>>): string {
  const keys = Object.keys(capabilities).sort();
  return keys.length === 0 ? "(none)" : keys.map((k) => `${k}:${capabilities[k]}`).join(",");
}
