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
    if (props.allowIcmp ?? true) new NetworkingSecgroupRuleV2(this, "Icmp", { ...ingress, protocol: "icmp" });
    if (props.allowSsh ?? false) new NetworkingSecgroupRuleV2(this, "Ssh", { ...ingress, protocol: "tcp", portRangeMin: 22, portRangeMax: 22 });
  }
}
