import { Annotations, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { IronicNodeSpec } from "../lab/ironic-fields";
import { ScriptStep } from "./script-step";
import { InputsOf, UNENROLL_NODE } from "./steps";

export interface BaremetalNodeProps {
  /** `OS_CLOUD` of the undercloud. */
  readonly cloud: string;
  /**
   * What the enrolment sets in Ironic for the node (no password): its name,
   * driver and ports are also part of the machine's identity.
   */
  readonly spec: IronicNodeSpec;
  /** The BMC's address (host, IP or URL) as the node file gives it. @default - none (a driver without a BMC) */
  readonly bmcAddress?: string;
  /** The BMC's port. @default - the driver's */
  readonly bmcPort?: number;
  /** The Redfish system id. @default - none */
  readonly bmcSystemId?: string;
  /** The classic driver name the node file used, mapped to `spec.driver`: a warning at synth says so. @default - none */
  readonly classicDriver?: string;
}

/**
 * The identity of a bare-metal node: what makes it another machine (name,
 * driver, BMC, MACs). A change of any of these replaces the node's
 * registration (unregisters it, and the enrolment registers it again);
 * everything else is updated in place.
 */
function machineIdentity(props: BaremetalNodeProps): InputsOf<typeof UNENROLL_NODE> {
  return {
    OS_CLOUD: props.cloud,
    NODE_NAME: props.spec.name,
    NODE_DRIVER: props.spec.driver,
    NODE_BMC_ADDRESS: props.bmcAddress ?? "",
    NODE_BMC_PORT: props.bmcPort === undefined ? "" : String(props.bmcPort),
    NODE_BMC_SYSTEM_ID: props.bmcSystemId ?? "",
    NODE_MACS: props.spec.ports.map((port) => port.address).join(","),
  };
}

/**
 * One bare-metal node of the lab, as a plan shows it. The work (enroll →
 * manage → inspect → provide → tag) is done for the whole fleet at once by
 * `NodeEnrollment`, which takes `spec` and observes every node. Per node
 * there is one resource, `Machine`: it runs nothing at create; its destroy
 * unregisters the node, and refuses while an instance is on it. Only a
 * change of the machine's identity (`machineIdentity`: name, driver, BMC,
 * MACs) replaces it; new images, properties, capabilities, introspection
 * settings or a moved lab folder reach the node in place, through the
 * enrolment.
 */
export class BaremetalNode extends Construct {
  /** Holds the node's unregistration (destroy) for as long as its identity stays the same. */
  public readonly registration: ScriptStep;
  /** What `NodeEnrollment` sets in Ironic for this node (no password). */
  public readonly spec: IronicNodeSpec;

  constructor(scope: Construct, id: string, props: BaremetalNodeProps) {
    super(scope, id);
    if (props.classicDriver) {
      Annotations.of(this).addWarning(`node "${props.spec.name}": classic driver "${props.classicDriver}" is registered as the hardware type "${props.spec.driver}" (classic drivers were removed from Ironic in Rocky)`);
    }
    const identity = machineIdentity(props);
    this.registration = new ScriptStep(this, "Machine", { step: UNENROLL_NODE, inputs: identity });
    forgetLegacyRegistration(this);
    this.spec = props.spec;
  }
}

/**
 * Up to labcdk 0.1's fleet enrolment, a node's registration sat at
 * `<node>/Registration` and its identity also held the node file's path, the
 * deploy image IDs, the properties and the introspection settings, so any of
 * those replaced it (unregistered the node). Such a registration is now
 * forgotten (a `removed` block: out of the state, nothing run, the node left
 * in Ironic) while `Machine` takes over the node's unregistration.
 */
function forgetLegacyRegistration(node: BaremetalNode): void {
  const legacy = new Construct(new Construct(node, "Registration"), "Resource");
  const stack = TerraformStack.of(node);
  const entries = removedBlocks.get(stack) ?? [];
  entries.push({ from: `terraform_data.${stack.getLogicalId(legacy.node)}`, lifecycle: { destroy: false } });
  removedBlocks.set(stack, entries);
  stack.addOverride("removed", entries);
}

const removedBlocks = new WeakMap<TerraformStack, { from: string; lifecycle: { destroy: boolean } }[]>();
