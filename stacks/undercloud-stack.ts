import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataOpenstackImagesImageV2 } from "../.gen/providers/openstack/data-openstack-images-image-v2";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { BaremetalNode } from "../constructs/baremetal-node";
import { OvercloudDeploy } from "../constructs/overcloud-deploy";
import { Lab } from "../lab/load";
import { projectRoot } from "../lab/project-root";

export interface UndercloudStackProps {
  readonly lab: Lab;
}

/**
 * What the director (undercloud) does: bare-metal nodes in Ironic
 * (runbook Part 1) and the overcloud deploy through Heat (Part 2).
 */
export class UndercloudStack extends TerraformStack {
  public readonly nodes: Readonly<Record<string, BaremetalNode>>;
  /** The overcloud deploy, unless the lab says `overcloud.deploy: false`. */
  public readonly deploy?: OvercloudDeploy;

  constructor(scope: Construct, id: string, props: UndercloudStackProps) {
    super(scope, id);
    const { lab } = props;
    new OpenstackProvider(this, "openstack", { cloud: lab.clouds.undercloud });

    const kernel = new DataOpenstackImagesImageV2(this, "DeployKernel", { name: lab.baremetal.deployKernelImage, mostRecent: true });
    const ramdisk = new DataOpenstackImagesImageV2(this, "DeployRamdisk", { name: lab.baremetal.deployRamdiskImage, mostRecent: true });

    // Portable across checkouts: the scripts resolve it against the project folder at apply time.
    const nodeFile = path.relative(projectRoot(), lab.nodeFile);
    const nodes: Record<string, BaremetalNode> = {};
    for (const node of lab.nodes) {
      // Id from the node name, never its position: removing one node leaves the others alone.
      nodes[node.name] = new BaremetalNode(this, `Node-${node.name}`, {
        node,
        nodeFile,
        cloud: lab.clouds.undercloud,
        deployKernelId: kernel.id,
        deployRamdiskId: ramdisk.id,
        capabilities: lab.baremetal.nodes[node.name]?.capabilities,
        introspectionTimeoutSeconds: lab.baremetal.introspectionTimeoutSeconds,
        introspectionPollSeconds: lab.baremetal.introspectionPollSeconds,
        introspectionConcurrency: lab.baremetal.introspectionConcurrency,
      });
    }
    this.nodes = nodes;

    if (!lab.overcloud.deploy) return;
    this.deploy = new OvercloudDeploy(this, "Overcloud", {
      cloud: lab.clouds.undercloud,
      dialect: lab.overcloud.dialect,
      stackName: lab.overcloud.stackName,
      templatesDir: lab.overcloud.templatesDir,
      roles: lab.overcloud.roles,
      neutronTunnelTypes: lab.overcloud.neutronTunnelTypes,
      neutronNetworkType: lab.overcloud.neutronNetworkType,
      environmentFiles: lab.overcloud.environmentFiles,
      timeoutMinutes: lab.overcloud.deployTimeoutMinutes,
      dependsOn: Object.values(nodes).map((n) => n.tag),
    });
  }
}
