import { Construct } from "constructs";
import { capabilitiesText, CREATE_DEFAULTS, nodeVariableSuffix } from "../lab/ironic-fields";
import { BaremetalNode } from "./baremetal-node";
import { ScriptStep } from "./script-step";
import { StepObservation } from "./step-observation";
import { ENROLL_NODES } from "./steps";

/** Largest environment the step may hand its script (Linux allows 2 MiB for arguments and environment together). */
const MAX_ENVIRONMENT_BYTES = 1024 * 1024;

export interface NodeEnrollmentProps {
  /** The nodes to enroll, each with its registration. */
  readonly nodes: readonly BaremetalNode[];
  /** `OS_CLOUD` of the undercloud. */
  readonly cloud: string;
  /**
   * The node file, absolute or relative to the app's folder (where
   * `cdktf synth` runs and cdktf.out is): the last source of BMC
   * passwords at apply time (after `LABCDK_BMC_PASSWORD_<NODE>` and
   * `LABCDK_BMC_PASSWORD_FILE`), read only when a node needs a password
   * neither gives. Its change re-runs nothing.
   */
  readonly nodeFile: string;
  /** Bound of each node's introspection. */
  readonly introspectionTimeoutSeconds: number;
  /** Longest pause between two poll rounds (they start at 1 s and double). */
  readonly introspectionPollSeconds: number;
  /**
   * Introspections at once on the machine that applies, shared by every
   * enrolment there (flock slots). Terraform's `-parallelism` plays no part:
   * the whole fleet is one step.
   */
  readonly introspectionConcurrency: number;
}

/**
 * The enrolment of a fleet of bare-metal nodes, as one step the way
 * TripleO's `overcloud node import` and bulk introspection work: one process
 * and one Keystone token for all nodes (scripts/enroll-nodes.sh). Each node
 * is created or updated, then taken on from its own provision state (manage
 * → inspect → provide) and tagged; nodes already done are only checked.
 *
 * The step runs again when a node's entry changes (new node, new images,
 * properties or capabilities: its `LABCDK_NODE_<NAME>` in the plan), when a
 * node's registration is replaced, or when the `Registered` or `Tagged`
 * observation sees drift (the plan names the nodes). Its timeouts and the
 * node file's path do not re-run it (an in-place update of its input).
 */
export class NodeEnrollment extends Construct {
  public readonly step: ScriptStep;
  /** `registered` while every node exists and its enrolment is done; else the nodes that are not. */
  public readonly registered: StepObservation;
  /** `tagged` while every node has the lab's capabilities; else the nodes that differ. */
  public readonly tagged: StepObservation;

  constructor(scope: Construct, id: string, props: NodeEnrollmentProps) {
    super(scope, id);
    if (props.nodes.length === 0) throw new Error(`node enrollment "${this.node.path}": needs at least one node`);
    const specs: Record<`LABCDK_NODE_${string}`, string> = {};
    const owners: Record<string, string> = {};
    for (const node of props.nodes) {
      const variable = specVariable(node.spec.name);
      if (owners[variable]) {
        throw new Error(`node enrollment "${this.node.path}": nodes "${owners[variable]}" and "${node.spec.name}" both map to ${variable} (and to one LABCDK_BMC_PASSWORD_ variable): rename one`);
      }
      owners[variable] = node.spec.name;
      specs[variable] = JSON.stringify(node.spec);
    }
    const inputs = {
      OS_CLOUD: props.cloud,
      CREATE_DEFAULTS: JSON.stringify(CREATE_DEFAULTS),
      ...specs,
      NODE_FILE: props.nodeFile,
      INTROSPECTION_TIMEOUT_SECONDS: String(props.introspectionTimeoutSeconds),
      INTROSPECTION_POLL_SECONDS: String(props.introspectionPollSeconds),
      INTROSPECTION_CONCURRENCY: String(props.introspectionConcurrency),
    };
    const bytes = Object.entries(inputs).reduce((sum, [k, v]) => sum + Buffer.byteLength(`${k}=${v}`) + 1, 0);
    if (bytes > MAX_ENVIRONMENT_BYTES) {
      throw new Error(`node enrollment "${this.node.path}": ${props.nodes.length} nodes need ${bytes} bytes of environment, more than the ${MAX_ENVIRONMENT_BYTES} a script is given: split the node file into labs`);
    }
    // Two observations for the whole fleet, not two per node: each is one observer
    // run (one process, one Keystone token, one list request) at every refresh.
    const scripts = ScriptStep.scriptsAsset(this);
    const names = props.nodes.map((n) => n.spec.name).join(",");
    this.registered = new StepObservation(this, "Registered", {
      check: "ironic-nodes",
      inputs: { OS_CLOUD: props.cloud, NODE_NAMES: names },
      state: "registered",
      scripts,
    });
    const wanted = props.nodes.map((n) => [
      `NODE_CAPABILITIES_${nodeVariableSuffix(n.spec.name)}`,
      capabilitiesText(n.spec.capabilities, "as given"),
    ]);
    this.tagged = new StepObservation(this, "Tagged", {
      check: "ironic-nodes-capabilities",
      inputs: { OS_CLOUD: props.cloud, NODE_NAMES: names, ...Object.fromEntries(wanted) },
      state: "tagged",
      scripts,
    });
    this.step = new ScriptStep(this, "Enroll", {
      step: ENROLL_NODES,
      inputs,
      dependsOn: props.nodes.map((n) => n.registration),
      replaceTriggeredBy: [...props.nodes.map((n) => n.registration), this.registered, this.tagged],
    });
  }
}

/** `LABCDK_NODE_<NAME>`: the node name as in `LABCDK_BMC_PASSWORD_<NAME>`. */
export function specVariable(name: string): `LABCDK_NODE_${string}` {
  return `LABCDK_NODE_${nodeVariableSuffix(name)}`;
}
