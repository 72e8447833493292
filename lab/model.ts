/**
 * The resolved lab: what a validated `Lab` means, worked out once.
 *
 * `resolveLab` turns the lab file and its node file into what the rest of
 * labcdk needs: per node its effective capabilities, its identity and its
 * enrolment; the overcloud's run (the scale-in's drains and node delete, then
 * the deploy, as rendered in the lab's dialect); the role coverage; and the
 * state `labcdk verify` expects. The stacks map it onto construct props,
 * `labcdk overcloud render` prints its overcloud run, `labcdk verify`
 * compares its expected state with the clouds. Pure: no construct, no cloud,
 * no I/O.
 */
import type { BaremetalNodeDefinition } from "./instackenv";
import { IronicNodeSpec, ironicNodeSpec, isImageName, NodeImages } from "./ironic-fields";
import type { Lab } from "./load";
import { RemovedNodeOfRole, removedNodes, RenderedCommands, renderDeploy, renderNodeDelete } from "./overcloud-dialects";
import type { Flavor, Instance, LabFile, MigrationKind, Network, OvercloudDialect, Router, SecurityGroupAdopt, StateBackend } from "./schema";

/** A lab, resolved. */
export interface LabModel {
  /** Lab name: prefix of the stack names. */
  readonly name: string;
  /** `OS_CLOUD` names of the two clouds. */
  readonly clouds: { readonly undercloud: string; readonly overcloud: string };
  /** Where each stack's state lives. */
  readonly state: StateBackend;
  readonly baremetal: BaremetalModel;
  readonly overcloud: ResolvedOvercloud;
  /** Per role of the overcloud: the nodes tagged with its profile, against its count. */
  readonly roleCoverage: readonly RoleCoverage[];
  /** What runs in the overcloud (networks, routers, flavors, instances), as the lab file says. */
  readonly tenant: TenantModel;
  /** What `labcdk verify` expects the clouds to have. */
  readonly expected: ExpectedState;
}

/** The bare-metal side: the node file's nodes and how they are enrolled. */
export interface BaremetalModel {
  /** Absolute path of the node file (the last source of BMC passwords at apply time). */
  readonly nodeFile: string;
  /** Glance names of the lab's deploy kernel and ramdisk (the runbook's `configure boot`). */
  readonly deployKernelImage: string;
  readonly deployRamdiskImage: string;
  /** Introspection of the fleet's enrolment: the whole wait, the longest poll interval, how many at once. */
  readonly introspection: { readonly timeoutSeconds: number; readonly pollSeconds: number; readonly concurrency: number };
  /** The node file's nodes, in file order. */
  readonly nodes: readonly NodeModel[];
}

/** One node of the node file, resolved. */
export interface NodeModel {
  readonly name: string;
  /** The node file's entry (no password in it). */
  readonly definition: BaremetalNodeDefinition;
  /** The node file's capabilities with the lab's `baremetal.nodes.<name>.capabilities` over them: what the enrolment tags. */
  readonly capabilities: Readonly<Record<string, string>>;
  /** What makes the node another machine: a change of any of these unregisters and registers it again. */
  readonly identity: MachineIdentity;
  /** The node's own deploy kernel and ramdisk (`kernel_id`, `ramdisk_id`), when the node file gives them. */
  readonly kernelImage?: ImageReference;
  readonly ramdiskImage?: ImageReference;
}

/** A machine's identity: name, driver, BMC, MACs. */
export interface MachineIdentity {
  readonly name: string;
  readonly driver: string;
  readonly bmcAddress?: string;
  readonly bmcPort?: number;
  readonly bmcSystemId?: string;
  /** Every MAC, lower-case, in file order. */
  readonly macs: readonly string[];
}

/** An image as the node file names it: a Glance name to look up, or an ID or URL that goes to Ironic as written. */
export interface ImageReference {
  readonly reference: string;
  /** true: `reference` is a Glance image name, looked up to its ID. */
  readonly lookUp: boolean;
}

/**
 * The overcloud's settings and, when the lab deploys it, what the undercloud
 * stack runs for it.
 */
export interface ResolvedOvercloud {
  readonly stackName: string;
  readonly dialect: OvercloudDialect;
  /** Folder on the applying machine where generated files are written and the commands run. */
  readonly workDir: string;
  /** Nova compute hosts of the overcloud (those that stay after a scale-in). */
  readonly computeHosts: readonly string[];
  /** What runs, in order: the scale-in (when a role removes nodes), then the deploy. @default - nothing: `overcloud.deploy` is false */
  readonly run?: OvercloudRun;
}

export interface OvercloudRun {
  /** Runs first, when a role removes nodes. */
  readonly scaleIn?: ScaleIn;
  readonly deploy: DeployRun;
}

/** The scale-in: drain each removed compute host, then delete the removed nodes; the deploy with the lower counts follows. */
export interface ScaleIn {
  /** Every node that leaves, in the lab file's order (role by role). */
  readonly removed: readonly RemovedNodeOfRole[];
  /** The removed nodes that run instances, each drained before the delete, in that order. */
  readonly drains: readonly Drain[];
  /** `overcloud node delete` of every removed node, after the drains. */
  readonly nodeDelete: RenderedCommands;
}

/** A compute host emptied before its node is deleted. */
export interface Drain {
  /** Overcloud server name of the node. */
  readonly hostname: string;
  /** Nova compute host that is drained. */
  readonly computeHost: string;
  /** Where its instances go: every compute host that stays. */
  readonly remainingHosts: readonly string[];
  /** How they move. */
  readonly migrationKind: MigrationKind;
}

export interface DeployRun {
  /** The deploy's commands and files, in the lab's dialect. */
  readonly rendered: RenderedCommands;
  /** Profile → nodes the roles of that profile count (the deploy refuses to shrink a role without a named scale-in). */
  readonly profileCounts: Readonly<Record<string, number>>;
  readonly timeoutMinutes: number;
}

export interface RoleCoverage {
  readonly role: string;
  readonly profile: string;
  readonly count: number;
  /** The nodes tagged with the role's profile: the node file's (effective capabilities), then baremetal.existingNodes. */
  readonly tagged: readonly string[];
}

export interface TenantModel {
  readonly networks: Readonly<Record<string, Network>>;
  readonly routers: Readonly<Record<string, Router>>;
  readonly securityGroup: { readonly name: string; readonly allowIcmp: boolean; readonly allowSsh: boolean; readonly adopt?: SecurityGroupAdopt };
  readonly flavors: Readonly<Record<string, Flavor>>;
  readonly instances: Readonly<Record<string, Instance>>;
}

/** What the lab says the clouds should have (`labcdk verify`). */
export interface ExpectedState {
  readonly clouds: { readonly undercloud: string; readonly overcloud: string };
  readonly nodes: readonly {
    readonly name: string;
    /** The node's effective capabilities (what the enrolment tags). */
    readonly capabilities: Readonly<Record<string, string>>;
    /** The node file's values; only those it sets are checked. */
    readonly properties: { readonly cpus?: number; readonly memory_mb?: number; readonly local_gb?: number; readonly cpu_arch?: string };
  }[];
  readonly computeHosts: readonly string[];
  /** Heat stack on the undercloud; only when the lab deploys the overcloud. */
  readonly heatStack?: string;
  readonly instances: readonly {
    readonly name: string;
    /** Where it should be now: the migration target if it has one, else its pinned host. */
    readonly host: string;
    /** undefined: no floating IP wanted; address undefined: any address. */
    readonly floatingIp?: { readonly address?: string };
    readonly migration?: { readonly from: string; readonly to: string };
  }[];
}

/** A node's effective capabilities: the node file's, with the lab's `baremetal.nodes.<name>.capabilities` over them. */
export function effectiveCapabilities(lab: Pick<LabFile, "baremetal">, node: BaremetalNodeDefinition): Record<string, string> {
  return { ...node.capabilities, ...(lab.baremetal.nodes[node.name]?.capabilities ?? {}) };
}

/**
 * Per role, the nodes tagged with its profile: the node file's, by their
 * effective capabilities, then `baremetal.existingNodes` (a name the node
 * file has is counted once, as the node file's).
 */
export function roleCoverage(lab: LabFile, nodes: readonly BaremetalNodeDefinition[]): RoleCoverage[] {
  const profileOf = new Map<string, string | undefined>();
  for (const node of nodes) profileOf.set(node.name, effectiveCapabilities(lab, node).profile);
  for (const [name, existing] of Object.entries(lab.baremetal.existingNodes)) if (!profileOf.has(name)) profileOf.set(name, existing.profile);
  return Object.entries(lab.overcloud.roles).map(([role, settings]) => ({
    role,
    profile: settings.profile,
    count: settings.count,
    tagged: [...profileOf].filter(([, profile]) => profile === settings.profile).map(([name]) => name),
  }));
}

/** The Ironic node a node becomes, once the stack has looked its images up (Glance IDs, or tokens that resolve to them). */
export function enrolmentSpec(node: NodeModel, images: NodeImages): IronicNodeSpec {
  return ironicNodeSpec(node.definition, images, node.capabilities);
}

function imageReference(reference: string | undefined): ImageReference | undefined {
  return reference === undefined ? undefined : { reference, lookUp: isImageName(reference) };
}

function nodeModel(lab: Lab, node: BaremetalNodeDefinition): NodeModel {
  return {
    name: node.name,
    definition: node,
    capabilities: effectiveCapabilities(lab, node),
    identity: { name: node.name, driver: node.driver, bmcAddress: node.bmcAddress, bmcPort: node.bmcPort, bmcSystemId: node.bmcSystemId, macs: node.macs },
    kernelImage: imageReference(node.kernelImage),
    ramdiskImage: imageReference(node.ramdiskImage),
  };
}

function overcloudRun(lab: Lab): OvercloudRun {
  const overcloud = lab.overcloud;
  const removed = removedNodes(overcloud.roles);
  const drains = removed.flatMap((node) =>
    node.computeHost ? [{ hostname: node.hostname, computeHost: node.computeHost, remainingHosts: overcloud.computeHosts, migrationKind: overcloud.drainMigrationKind }] : [],
  );
  const profileCounts: Record<string, number> = {};
  for (const role of Object.values(overcloud.roles)) profileCounts[role.profile] = (profileCounts[role.profile] ?? 0) + role.count;
  return {
    scaleIn: removed.length > 0 ? { removed, drains, nodeDelete: renderNodeDelete(overcloud) } : undefined,
    deploy: { rendered: renderDeploy(overcloud), profileCounts, timeoutMinutes: overcloud.deployTimeoutMinutes },
  };
}

function expectedState(lab: Lab, nodes: readonly NodeModel[]): ExpectedState {
  return {
    clouds: { undercloud: lab.clouds.undercloud, overcloud: lab.clouds.overcloud },
    nodes: nodes.map(({ name, capabilities, definition: d }) => ({
      name,
      capabilities,
      properties: { cpus: d.cpus, memory_mb: d.memoryMb, local_gb: d.localGb, cpu_arch: d.cpuArch },
    })),
    computeHosts: [...lab.overcloud.computeHosts],
    heatStack: lab.overcloud.deploy ? lab.overcloud.stackName : undefined,
    instances: Object.entries(lab.instances).map(([name, instance]) => ({
      name,
      host: instance.migration?.to ?? instance.host,
      floatingIp: instance.floatingIp ? { address: instance.floatingIp.address } : undefined,
      migration: instance.migration ? { from: instance.host, to: instance.migration.to } : undefined,
    })),
  };
}

/** Everything a validated lab means (see the module's comment). */
export function resolveLab(lab: Lab): LabModel {
  const nodes = lab.nodes.map((node) => nodeModel(lab, node));
  const { baremetal, overcloud } = lab;
  return {
    name: lab.name,
    clouds: { undercloud: lab.clouds.undercloud, overcloud: lab.clouds.overcloud },
    state: lab.state,
    baremetal: {
      nodeFile: lab.nodeFile,
      deployKernelImage: baremetal.deployKernelImage,
      deployRamdiskImage: baremetal.deployRamdiskImage,
      introspection: { timeoutSeconds: baremetal.introspectionTimeoutSeconds, pollSeconds: baremetal.introspectionPollSeconds, concurrency: baremetal.introspectionConcurrency },
      nodes,
    },
    overcloud: {
      stackName: overcloud.stackName,
      dialect: overcloud.dialect,
      workDir: overcloud.workDir,
      computeHosts: overcloud.computeHosts,
      run: overcloud.deploy ? overcloudRun(lab) : undefined,
    },
    roleCoverage: roleCoverage(lab, lab.nodes),
    tenant: { networks: lab.networks, routers: lab.routers, securityGroup: lab.securityGroup, flavors: lab.flavors, instances: lab.instances },
    expected: expectedState(lab, nodes),
  };
}
