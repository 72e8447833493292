import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataOpenstackImagesImageV2 } from "../.gen/providers/openstack/data-openstack-images-image-v2";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { BaremetalNode } from "../constructs/baremetal-node";
import { ComputeDrain } from "../constructs/compute-drain";
import { NodeEnrollment } from "../constructs/node-enrollment";
import { OvercloudDeploy } from "../constructs/overcloud-deploy";
import { OvercloudModel } from "../constructs/overcloud-dialects";
import { OvercloudNodeDelete } from "../constructs/overcloud-node-delete";
import { isImageName } from "../lab/ironic-fields";
import { Lab } from "../lab/load";
import { projectRoot } from "../lab/project-root";

export interface UndercloudStackProps {
  readonly lab: Lab;
}

/**
 * What the director (undercloud) does: bare-metal nodes in Ironic
 * (runbook Part 1: per node a registration, and one observed
 * enrolment step for the fleet) and the overcloud deploy through Heat (Part 2). A
 * scale-in runs first, as separate steps a plan shows: drain each removed
 * compute host, then `overcloud node delete`, then the deploy with the
 * lower counts.
 */
export class UndercloudStack extends TerraformStack {
  public readonly nodes: Readonly<Record<string, BaremetalNode>>;
  /** The enrolment of every node of the node file, as one step. */
  public readonly enrollment: NodeEnrollment;
  /** The overcloud deploy, unless the lab says `overcloud.deploy: false`. */
  public readonly deploy?: OvercloudDeploy;
  /** Drains of removed compute hosts, keyed by host. */
  public readonly drains: Readonly<Record<string, ComputeDrain>> = {};
  /** The scale-in's node delete, when a role removes nodes. */
  public readonly nodeDelete?: OvercloudNodeDelete;

  constructor(scope: Construct, id: string, props: UndercloudStackProps) {
    super(scope, id);
    const { lab } = props;
    new OpenstackProvider(this, "openstack", { cloud: lab.clouds.undercloud });

    const kernel = new DataOpenstackImagesImageV2(this, "DeployKernel", { name: lab.baremetal.deployKernelImage, mostRecent: true });
    const ramdisk = new DataOpenstackImagesImageV2(this, "DeployRamdisk", { name: lab.baremetal.deployRamdiskImage, mostRecent: true });
    // A node's own kernel_id / ramdisk_id that names a Glance image is looked up like the lab's
    // (one data source per name); an ID or a URL goes to Ironic as written.
    const imageIds = new Map<string, string>();
    const imageId = (reference: string | undefined): string | undefined => {
      if (reference === undefined || !isImageName(reference)) return reference;
      if (!imageIds.has(reference)) {
        // A construct id takes no "/", and a Glance name may hold anything.
        const id = `NodeImage-${reference.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
        const unique = this.node.tryFindChild(id) ? `${id}-${imageIds.size}` : id;
        imageIds.set(reference, new DataOpenstackImagesImageV2(this, unique, { name: reference, mostRecent: true }).id);
      }
      return imageIds.get(reference);
    };

    const nodes: Record<string, BaremetalNode> = {};
    for (const node of lab.nodes) {
      // Id from the node name, never its position: removing one node leaves the others alone.
      nodes[node.name] = new BaremetalNode(this, `Node-${node.name}`, {
        cloud: lab.clouds.undercloud,
        node,
        images: { deployKernel: kernel.id, deployRamdisk: ramdisk.id, nodeKernel: imageId(node.kernelImage), nodeRamdisk: imageId(node.ramdiskImage) },
        capabilities: lab.baremetal.nodes[node.name]?.capabilities,
      });
    }
    this.nodes = nodes;
    this.enrollment = new NodeEnrollment(this, "Nodes", {
      cloud: lab.clouds.undercloud,
      // Relative to the project folder, so that the output holds no path of this machine.
      nodeFile: path.relative(projectRoot(), lab.nodeFile),
      nodes: Object.values(nodes),
      introspectionTimeoutSeconds: lab.baremetal.introspectionTimeoutSeconds,
      introspectionPollSeconds: lab.baremetal.introspectionPollSeconds,
      introspectionConcurrency: lab.baremetal.introspectionConcurrency,
    });

    if (!lab.overcloud.deploy) return;
    const overcloud = lab.overcloud;
    const model: OvercloudModel = {
      dialect: overcloud.dialect,
      stackName: overcloud.stackName,
      templatesDir: overcloud.templatesDir,
      roles: overcloud.roles,
      neutronTunnelTypes: overcloud.neutronTunnelTypes,
      neutronNetworkType: overcloud.neutronNetworkType,
      environmentFiles: overcloud.environmentFiles,
    };
    const removed = Object.values(overcloud.roles).flatMap((role) => role.remove);
    const drains: Record<string, ComputeDrain> = {};
    for (const node of removed) {
      if (!node.computeHost) continue;
      drains[node.computeHost] = new ComputeDrain(this, `Drain-${node.hostname}`, {
        cloud: lab.clouds.overcloud,
        computeHost: node.computeHost,
        remainingHosts: overcloud.computeHosts,
        kind: overcloud.drainMigrationKind,
      });
    }
    this.drains = drains;
    if (removed.length > 0) {
      this.nodeDelete = new OvercloudNodeDelete(this, "OvercloudScaleIn", {
        ...model,
        cloud: lab.clouds.undercloud,
        workDir: overcloud.workDir,
        dependsOn: Object.values(drains).map((d) => d.step),
      });
    }
    this.deploy = new OvercloudDeploy(this, "Overcloud", {
      ...model,
      cloud: lab.clouds.undercloud,
      workDir: overcloud.workDir,
      timeoutMinutes: overcloud.deployTimeoutMinutes,
      computeHosts: overcloud.computeHosts,
      overcloudCloud: lab.clouds.overcloud,
      dependsOn: [this.enrollment.step, ...(this.nodeDelete ? [this.nodeDelete.step] : [])],
    });
  }
}
