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
  /*
   * The three introspection settings below are `NodeEnrollment`'s; a node
   * keeps them in its registration's identity only because registrations
   * made before the fleet enrolment hold them (a changed identity replaces
   * the registration, which unregisters the node). Pass the same values.
   */
  /** See `NodeEnrollmentProps.introspectionTimeoutSeconds`. @default 1800 */
  readonly introspectionTimeoutSeconds?: number;
  /** See `NodeEnrollmentProps.introspectionPollSeconds`. @default 10 */
  readonly introspectionPollSeconds?: number;
  /** See `NodeEnrollmentProps.introspectionConcurrency`. @default 20 */
  readonly introspectionConcurrency?: number;
}

/**
 * What the fleet's enrolment needs to know of one node (`LABCDK_NODE_<NAME>`
 * of `NodeEnrollment`): everything the node file says except the password.
 */
export interface NodeEnrollmentSpec {
  readonly name: string;
  readonly driver: string;
  readonly bmc_address?: string;
  readonly bmc_port?: number;
  readonly bmc_username?: string;
  readonly bmc_system_id?: string;
  readonly macs: readonly string[];
  readonly cpus?: number;
  readonly memory_mb?: number;
  readonly local_gb?: number;
  readonly cpu_arch?: string;
  readonly resource_class?: string;
  readonly interfaces?: Readonly<Record<string, string>>;
  readonly capabilities: Readonly<Record<string, string>>;
}

/**
 * One bare-metal node of the lab, as a plan shows it. The work (enroll →
 * manage → inspect → provide → tag) is done for the whole fleet at once by
 * `NodeEnrollment`, which takes `spec` and observes every node. Per node
 * there is one resource, `Registration` (identity: driver, BMC, MACs,
 * properties, deploy images): it runs nothing at create; its destroy
 * unregisters the node, and refuses while an instance is on it. A change of
 * identity replaces it, and the enrolment then registers the node again.
 */
export class BaremetalNode extends Construct {
  /** Holds the node's unregistration (destroy) for as long as its identity stays the same. */
  public readonly registration: ScriptStep;
  /** What `NodeEnrollment` needs of this node (no password). */
  public readonly spec: NodeEnrollmentSpec;

  constructor(scope: Construct, id: string, props: BaremetalNodeProps) {
    super(scope, id);
    const n = props.node;
    if (n.classicDriver) {
      Annotations.of(this).addWarning(`node "${n.name}": classic driver "${n.classicDriver}" is registered as the hardware type "${n.driver}" (classic drivers were removed from Ironic in Rocky)`);
    }
    const capabilities = { ...n.capabilities, ...(props.capabilities ?? {}) };
    // Unchanged since per-node enrolment, so that no existing registration is replaced
    // (a replacement unregisters the node). It still holds the introspection settings.
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
    this.registration = new ScriptStep(this, "Registration", {
      destroyScript: "unenroll-node.sh",
      environment: identity,
    });
    this.spec = {
      name: n.name,
      driver: n.driver,
      bmc_address: n.bmcAddress,
      bmc_port: n.bmcPort,
      bmc_username: n.bmcUsername,
      bmc_system_id: n.bmcSystemId,
      macs: n.macs,
      cpus: n.cpus,
      memory_mb: n.memoryMb,
      local_gb: n.localGb,
      cpu_arch: n.cpuArch,
      resource_class: n.resourceClass,
      interfaces: Object.keys(n.interfaces).length > 0 ? n.interfaces : undefined,
      capabilities,
    };
  }
}
