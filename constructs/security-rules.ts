import { Construct } from "constructs";
import { DataOpenstackIdentityAuthScopeV3 } from "../.gen/providers/openstack/data-openstack-identity-auth-scope-v3";
import { DataOpenstackNetworkingSecgroupV2 } from "../.gen/providers/openstack/data-openstack-networking-secgroup-v2";
import { NetworkingSecgroupRuleV2 } from "../.gen/providers/openstack/networking-secgroup-rule-v2";

export interface SecurityRulesProps {
  /** Security group the rules go in, looked up by name in the current project. @default "default" */
  readonly groupName?: string;
  /** Allow ICMP in (IPv4), the runbook's ping rule. @default true */
  readonly allowIcmp?: boolean;
  /** Allow SSH (tcp/22) in (IPv4). @default false */
  readonly allowSsh?: boolean;
  /**
   * Neutron id of an ICMP rule that exists already (ingress, IPv4, 0.0.0.0/0, in this group):
   * the plan imports it instead of creating one. @default - the rule is created
   */
  readonly importIcmpRuleId?: string;
  /** Neutron id of an existing SSH rule (ingress, IPv4, tcp/22, 0.0.0.0/0) to import. @default - the rule is created */
  readonly importSshRuleId?: string;
}

/** Ingress rules in an existing security group of the current project. */
export class SecurityRules extends Construct {
  public readonly groupName: string;
  /** UUID of the group (resolved at plan time). */
  public readonly groupId: string;

  constructor(scope: Construct, id: string, props: SecurityRulesProps = {}) {
    super(scope, id);
    this.groupName = props.groupName ?? "default";
    // Every project has a group named "default": scope the lookup to ours.
    const authScope = new DataOpenstackIdentityAuthScopeV3(this, "Scope", { name: "current" });
    const group = new DataOpenstackNetworkingSecgroupV2(this, "Group", { name: this.groupName, tenantId: authScope.projectId });
    this.groupId = group.id;
    const ingress = { direction: "ingress", ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0", securityGroupId: group.id };
    if (props.importIcmpRuleId && !(props.allowIcmp ?? true)) throw new Error(`security group "${this.groupName}": importIcmpRuleId ${props.importIcmpRuleId} needs allowIcmp`);
    if (props.importSshRuleId && !(props.allowSsh ?? false)) throw new Error(`security group "${this.groupName}": importSshRuleId ${props.importSshRuleId} needs allowSsh`);
    if (props.allowIcmp ?? true) {
      const icmp = new NetworkingSecgroupRuleV2(this, "Icmp", { ...ingress, protocol: "icmp" });
      if (props.importIcmpRuleId) icmp.importFrom(props.importIcmpRuleId);
    }
    if (props.allowSsh ?? false) {
      const ssh = new NetworkingSecgroupRuleV2(this, "Ssh", { ...ingress, protocol: "tcp", portRangeMin: 22, portRangeMax: 22 });
      if (props.importSshRuleId) ssh.importFrom(props.importSshRuleId);
    }
  }
}
