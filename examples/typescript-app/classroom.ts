// The classroom lab (labs/classroom/lab.yaml, the runbook's "add a compute
// node") written as a cdktf app of its own with labcdk's constructs: no lab
// file, this app's own providers and state backend. Only the node file stays
// a file: it holds the BMC password, which must not be in the code (the
// enrolment reads it at apply time).
import * as path from "node:path";
import { LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  BaremetalNode,
  DataOpenstackImagesImageV2,
  InstanceMigration,
  ironicNodeSpec,
  NodeEnrollment,
  OpenstackProvider,
  OvercloudDeploy,
  readNodeFile,
  renderDeploy,
  SecurityRules,
  TenantNetwork,
  TestInstance,
} from "labcdk";

/** OS_CLOUD names in clouds.yaml: the director (~/stackrc) and the overcloud (~/overcloudrc). */
export const CLOUDS = { undercloud: "undercloud", overcloud: "overcloud" } as const;

/** The overcloud's compute hosts: the deploy makes both, the test instance moves from the first to the second. */
const COMPUTE_HOSTS = ["overcloud-novacompute-0.localdomain", "overcloud-novacompute-1.localdomain"];

/** State next to cdktf.out, one file per stack (as labcdk's `state: { backend: local }`). */
function localState(stack: TerraformStack): void {
  new LocalBackend(stack, { path: `../../../terraform.${stack.node.id}.tfstate` });
}

export interface ClassroomUndercloudProps {
  /** The node file (instackenv.json) of the nodes to enroll: absolute, or relative to the current folder. */
  readonly nodeFile: string;
}

/** The director's part: enroll compute2 (manage, inspect, tag compute, provide), then deploy the overcloud with 2 computes. */
export class ClassroomUndercloud extends TerraformStack {
  constructor(scope: Construct, id: string, props: ClassroomUndercloudProps) {
    super(scope, id);
    new OpenstackProvider(this, "openstack", { cloud: CLOUDS.undercloud });
    localState(this);

    const kernel = new DataOpenstackImagesImageV2(this, "DeployKernel", { name: "bm-deploy-kernel", mostRecent: true });
    const ramdisk = new DataOpenstackImagesImageV2(this, "DeployRamdisk", { name: "bm-deploy-ramdisk", mostRecent: true });
    // The runbook tags the new node for the Compute role.
    const capabilities: Record<string, Record<string, string>> = { compute2: { profile: "compute", boot_option: "local" } };
    const nodes = readNodeFile(props.nodeFile).nodes.map(
      (node) =>
        new BaremetalNode(this, `Node-${node.name}`, {
          cloud: CLOUDS.undercloud,
          spec: ironicNodeSpec(node, { deployKernel: kernel.id, deployRamdisk: ramdisk.id }, { ...node.capabilities, ...capabilities[node.name] }),
          bmcAddress: node.bmcAddress,
          bmcPort: node.bmcPort,
          bmcSystemId: node.bmcSystemId,
          classicDriver: node.classicDriver,
        }),
    );
    const enrollment = new NodeEnrollment(this, "Nodes", {
      cloud: CLOUDS.undercloud,
      // The enrolment resolves a relative path from the app's folder (where cdktf.out is).
      nodeFile: path.relative(process.cwd(), path.resolve(props.nodeFile)),
      nodes,
      introspectionTimeoutSeconds: 1800,
      introspectionPollSeconds: 10,
      introspectionConcurrency: 20,
    });

    // The runbook's deploy command (OpenStack 8: --*-scale flags), rendered by labcdk.
    const rendered = renderDeploy({
      dialect: "legacy-flags",
      stackName: "overcloud",
      templatesDir: "/home/stack/templates",
      roles: {
        Controller: { count: 1, flavor: "control", profile: "control", remove: [] },
        Compute: { count: 2, flavor: "compute", profile: "compute", remove: [] },
        CephStorage: { count: 1, flavor: "ceph-storage", profile: "ceph-storage", remove: [] },
      },
      neutronTunnelTypes: ["vxlan"],
      neutronNetworkType: "vxlan",
      environmentFiles: [
        "/home/stack/templates/compute-extraconfig.yaml",
        "/home/stack/templates/environments/network-isolation.yaml",
        "/home/stack/templates/network-environment.yaml",
        "/home/stack/templates/environments/storage-environment.yaml",
        "/home/stack/templates/pre-config-fix.yaml",
      ],
    });
    new OvercloudDeploy(this, "Overcloud", {
      cloud: CLOUDS.undercloud,
      stackName: "overcloud",
      dialect: "legacy-flags",
      rendered,
      warnings: rendered.warnings,
      profileCounts: { control: 1, compute: 2, "ceph-storage": 1 },
      workDir: "~/labcdk-overcloud",
      timeoutMinutes: 90,
      computeHosts: COMPUTE_HOSTS,
      overcloudCloud: CLOUDS.overcloud,
      dependsOn: [enrollment.step],
    });
  }
}

/** The overcloud's part: the classroom's networks, ICMP in the default group, a test instance on compute 0 with its floating IP, then moved to compute 1. */
export class ClassroomOvercloud extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new OpenstackProvider(this, "openstack", { cloud: CLOUDS.overcloud });
    localState(this);

    // The classroom provides both networks: looked up by name.
    const privnet = new TenantNetwork(this, "Network-lab_privnet", { name: "lab_privnet", subnetName: "lab_privsub", cidr: "192.168.1.0/24", create: false, dhcp: true, external: false });
    const pubnet = new TenantNetwork(this, "Network-lab_pubnet", { name: "lab_pubnet", subnetName: "lab_pubsub", cidr: "172.25.250.0/24", create: false, dhcp: false, external: true });
    const rules = new SecurityRules(this, "SecurityRules", { groupName: "default", allowIcmp: true, allowSsh: false });

    const instance = new TestInstance(this, "Instance-lab_test-nodes", {
      name: "lab_test-nodes",
      imageName: "small",
      flavorName: "m2.small",
      network: privnet,
      host: COMPUTE_HOSTS[0],
      availabilityZone: "nova",
      securityGroupIds: [rules.groupId],
      floatingIpPool: pubnet,
      floatingIpAddress: "172.25.250.51",
      reachabilityCheck: "ping",
      cloud: CLOUDS.overcloud,
    });
    new InstanceMigration(this, "Migration-lab_test-nodes", {
      cloud: CLOUDS.overcloud,
      instanceId: instance.instance.id,
      instanceName: "lab_test-nodes",
      targetHost: COMPUTE_HOSTS[1],
      kind: "cold",
      floatingIp: instance.floatingIp,
      reachabilityCheck: "ping",
      dependsOn: [instance.ready],
    });
  }
}
