import { Annotations, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { BaremetalNodeDefinition } from "../lab/instackenv";
import { IronicNodeSpec, ironicNodeSpec, NodeImages } from "../lab/ironic-fields";
import { ScriptStep } from "./script-step";

export interface BaremetalNodeProps {
  /** The node as read from the node file (no password in it). */
  readonly node: BaremetalNodeDefinition;
  /** The lab's deploy images and the node's own, as Glance IDs (or URLs). */
  readonly images: NodeImages;
  /** Capabilities merged into `properties/capabilities` (e.g. profile:compute). @default - those of the node file */
  readonly capabilities?: Readonly<Record<string, string>>;
  /** `OS_CLOUD` of the undercloud. */
  readonly cloud: string;
}

/**
 * The identity of a bare-metal node: what makes it another machine. A change
 * of any of these replaces the node's registration (unregisters it, and the
 * enrolment registers it again); everything else is updated in place.
 */
export function machineIdentity(cloud: string, node: BaremetalNodeDefinition): Record<string, string> {
  return {
    OS_CLOUD: cloud,
    NODE_NAME: node.name,
    NODE_DRIVER: node.driver,
    NODE_BMC_ADDRESS: node.bmcAddress ?? "",
    NODE_BMC_PORT: node.bmcPort === undefined ? "" : String(node.bmcPort),
    NODE_BMC_SYSTEM_ID: node.bmcSystemId ?? "",
    NODE_MACS: node.macs.join(","),
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
    const n = props.node;
    if (n.classicDriver) {
      Annotations.of(this).addWarning(`node "${n.name}": classic driver "${n.classicDriver}" is registered as the hardware type "${n.driver}" (classic drivers were removed from Ironic in Rocky)`);
    }
    const identity = machineIdentity(props.cloud, n);
    this.registration = new ScriptStep(this, "Machine", {
      destroyScript: "unenroll-node.sh",
      environment: identity,
      replaceOn: identity,
    });
    forgetLegacyRegistration(this);
    this.spec = ironicNodeSpec(n, props.images, { ...n.capabilities, ...(props.capabilities ?? {}) });
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
