import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ComputeFlavorV2 } from "../.gen/providers/openstack/compute-flavor-v2";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { InstanceMigration } from "../constructs/instance-migration";
import { LabRouter } from "../constructs/lab-router";
import { SecurityRules } from "../constructs/security-rules";
import { TenantNetwork } from "../constructs/tenant-network";
import { TestInstance } from "../constructs/test-instance";
import { LabModel } from "../lab/model";

export interface OvercloudStackProps {
  /** The lab, resolved (`resolveLab`). */
  readonly model: LabModel;
}

/**
 * What runs in the overcloud: networks, the ICMP rule, flavors and the test
 * instances with their floating IPs (runbook Part 4).
 */
export class OvercloudStack extends TerraformStack {
  public readonly networks: Readonly<Record<string, TenantNetwork>>;
  public readonly instances: Readonly<Record<string, TestInstance>>;

  constructor(scope: Construct, id: string, props: OvercloudStackProps) {
    super(scope, id);
    const { clouds, tenant } = props.model;
    new OpenstackProvider(this, "openstack", { cloud: clouds.overcloud });

    const networks: Record<string, TenantNetwork> = {};
    for (const [name, net] of Object.entries(tenant.networks)) {
      networks[name] = new TenantNetwork(this, `Network-${name}`, {
        name,
        subnetName: net.subnet,
        cidr: net.cidr,
        addressMode: net.addressMode,
        ipv6: net.ipv6 ? { name: net.ipv6.subnet, cidr: net.ipv6.cidr, addressMode: net.ipv6.addressMode, dhcp: net.ipv6.dhcp } : undefined,
        create: net.create,
        dhcp: net.dhcp,
        external: net.external,
      });
    }
    this.networks = networks;

    for (const [name, router] of Object.entries(tenant.routers)) {
      new LabRouter(this, `Router-${name}`, {
        name,
        externalNetwork: networks[router.externalNetwork],
        interfaces: router.interfaces.map((n) => networks[n]),
      });
    }

    const rules = new SecurityRules(this, "SecurityRules", {
      groupName: tenant.securityGroup.name,
      allowIcmp: tenant.securityGroup.allowIcmp,
      allowSsh: tenant.securityGroup.allowSsh,
      importIcmpRuleId: tenant.securityGroup.adopt?.icmpRuleId,
      importSshRuleId: tenant.securityGroup.adopt?.sshRuleId,
    });

    // Flavor name → what instances use: the created flavor's name attribute
    // (an implicit dependency), or the plain name of an existing flavor.
    const flavorNames: Record<string, string> = {};
    for (const [name, flavor] of Object.entries(tenant.flavors)) {
      if (!flavor.create) continue;
      flavorNames[name] = new ComputeFlavorV2(this, `Flavor-${name}`, {
        name,
        vcpus: flavor.vcpus,
        ram: flavor.ramMb,
        disk: flavor.diskGb,
        swap: flavor.swapMb,
        // The provider's default is a private flavor, which no project can find by name.
        isPublic: true,
      }).name;
    }

    const instances: Record<string, TestInstance> = {};
    for (const [name, spec] of Object.entries(tenant.instances)) {
      const instance = new TestInstance(this, `Instance-${name}`, {
        name,
        imageName: spec.image,
        flavorName: flavorNames[spec.flavor] ?? spec.flavor,
        network: networks[spec.network],
        host: spec.host,
        availabilityZone: spec.availabilityZone,
        securityGroupIds: [rules.groupId],
        floatingIpPool: spec.floatingIp ? networks[spec.floatingIp.pool] : undefined,
        floatingIpAddress: spec.floatingIp?.address,
        reachabilityCheck: spec.reachabilityCheck,
        cloud: clouds.overcloud,
        importIds: spec.adopt,
      });
      instances[name] = instance;
      if (spec.migration) {
        new InstanceMigration(this, `Migration-${name}`, {
          cloud: clouds.overcloud,
          instanceId: instance.instance.id,
          instanceName: name,
          targetHost: spec.migration.to,
          kind: spec.migration.kind,
          floatingIp: instance.floatingIp,
          reachabilityCheck: spec.reachabilityCheck,
          dependsOn: [instance.ready],
        });
      }
    }
    this.instances = instances;
  }
}
