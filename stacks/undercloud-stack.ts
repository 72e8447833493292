import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataOpenstackImagesImageV2 } from "../.gen/providers/openstack/data-openstack-images-image-v2";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { BaremetalNode } from "../constructs/baremetal-node";
import { ComputeDrain } from "../constructs/compute-drain";
import { NodeEnrollment } from "../constructs/node-enrollment";
import { OvercloudDeploy } from "../constructs/overcloud-deploy";
import { OvercloudNodeDelete } from "../constructs/overcloud-node-delete";
import { enrolmentSpec, ImageReference, LabModel } from "../lab/model";

export interface UndercloudStackProps {
  /** The lab, resolved (`resolveLab`). */
  readonly model: LabModel;
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
    const { model } = props;
    const { baremetal, clouds } = model;
    new OpenstackProvider(this, "openstack", { cloud: clouds.undercloud });

    const kernel = new DataOpenstackImagesImageV2(this, "DeployKernel", { name: baremetal.deployKernelImage, mostRecent: true });
    const ramdisk = new DataOpenstackImagesImageV2(this, "DeployRamdisk", { name: baremetal.deployRamdiskImage, mostRecent: true });
    // A node's own kernel_id / ramdisk_id that names a Glance image is looked up like the lab's
    // (one data source per name); an ID or a URL goes to Ironic as written.
    const imageIds = new Map<string, string>();
    const imageId = (image: ImageReference | undefined): string | undefined => {
      if (image === undefined || !image.lookUp) return image?.reference;
      if (!imageIds.has(image.reference)) {
        // A construct id takes no "/", and a Glance name may hold anything.
        const id = `NodeImage-${image.reference.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
        const unique = this.node.tryFindChild(id) ? `${id}-${imageIds.size}` : id;
        imageIds.set(image.reference, new DataOpenstackImagesImageV2(this, unique, { name: image.reference, mostRecent: true }).id);
      }
      return imageIds.get(image.reference);
    };

    const nodes: Record<string, BaremetalNode> = {};
    for (const node of baremetal.nodes) {
      const { definition } = node;
      // Id from the node name, never its position: removing one node leaves the others alone.
      nodes[node.name] = new BaremetalNode(this, `Node-${node.name}`, {
        cloud: clouds.undercloud,
        spec: enrolmentSpec(node, { deployKernel: kernel.id, deployRamdisk: ramdisk.id, nodeKernel: imageId(node.kernelImage), nodeRamdisk: imageId(node.ramdiskImage) }),
        bmcAddress: definition.bmcAddress,
        bmcPort: definition.bmcPort,
        bmcSystemId: definition.bmcSystemId,
        classicDriver: definition.classicDriver,
      });
    }
    this.nodes = nodes;
    this.enrollment = new NodeEnrollment(this, "Nodes", {
      cloud: clouds.undercloud,
      // Relative to the app's folder (where `cdktf synth` runs and cdktf.out is; the script
      // resolves it from there), so that the output holds no path of this machine. Not
      // labcdk's own folder: from an installed package that is node_modules/labcdk.
      nodeFile: path.relative(process.cwd(), baremetal.nodeFile),
      nodes: Object.values(nodes),
      introspectionTimeoutSeconds: baremetal.introspection.timeoutSeconds,
      introspectionPollSeconds: baremetal.introspection.pollSeconds,
      introspectionConcurrency: baremetal.introspection.concurrency,
    });

    const overcloud = model.overcloud;
    if (!overcloud.run) return;
    const { scaleIn, deploy } = overcloud.run;
    const drains: Record<string, ComputeDrain> = {};
    for (const drain of scaleIn?.drains ?? []) {
      drains[drain.computeHost] = new ComputeDrain(this, `Drain-${drain.hostname}`, {
        cloud: clouds.overcloud,
        computeHost: drain.computeHost,
        remainingHosts: drain.remainingHosts,
        kind: drain.migrationKind,
      });
    }
    this.drains = drains;
    if (scaleIn) {
      this.nodeDelete = new OvercloudNodeDelete(this, "OvercloudScaleIn", {
        cloud: clouds.undercloud,
        stackName: overcloud.stackName,
        dialect: overcloud.dialect,
        hostnames: scaleIn.removed.map((node) => node.hostname),
        rendered: scaleIn.nodeDelete,
        workDir: overcloud.workDir,
        dependsOn: Object.values(drains).map((d) => d.step),
      });
    }
    this.deploy = new OvercloudDeploy(this, "Overcloud", {
      cloud: clouds.undercloud,
      stackName: overcloud.stackName,
      dialect: overcloud.dialect,
      rendered: deploy.rendered,
      warnings: deploy.rendered.warnings,
      profileCounts: deploy.profileCounts,
      workDir: overcloud.workDir,
      timeoutMinutes: deploy.timeoutMinutes,
      computeHosts: overcloud.computeHosts,
      overcloudCloud: clouds.overcloud,
      dependsOn: [this.enrollment.step, ...(this.nodeDelete ? [this.nodeDelete.step] : [])],
    });
  }
}
