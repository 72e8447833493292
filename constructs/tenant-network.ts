import { Construct } from "constructs";
import { DataOpenstackNetworkingNetworkV2 } from "../.gen/providers/openstack/data-openstack-networking-network-v2";
import { DataOpenstackNetworkingSubnetV2 } from "../.gen/providers/openstack/data-openstack-networking-subnet-v2";
import { NetworkingNetworkV2 } from "../.gen/providers/openstack/networking-network-v2";
import { NetworkingSubnetV2 } from "../.gen/providers/openstack/networking-subnet-v2";

export interface TenantNetworkProps {
  /** Network name, e.g. `lab_privnet`. */
  readonly name: string;
  /** Subnet name, e.g. `lab_privsub`. */
  readonly subnetName: string;
  /** Subnet range, e.g. `192.168.1.0/24`. Used when the network is created. */
  readonly cidr: string;
  /**
   * Create the network and subnet. When false they must exist (the classroom
   * provides them) and are looked up by name.
   * @default false
   */
  readonly create?: boolean;
  /** DHCP on the subnet (created networks only). @default true */
  readonly dhcp?: boolean;
  /** An external network (router gateways, floating IP pool). @default false */
  readonly external?: boolean;
}

/** A Neutron network and its subnet: looked up by name, or created. */
export class TenantNetwork extends Construct {
  /** Network name. */
  public readonly name: string;
  /** Network UUID (resolved at plan/apply time). */
  public readonly networkId: string;
  /** Subnet UUID (resolved at plan/apply time). */
  public readonly subnetId: string;
  public readonly external: boolean;

  constructor(scope: Construct, id: string, props: TenantNetworkProps) {
    super(scope, id);
    this.name = props.name;
    this.external = props.external ?? false;
    if (props.create) {
      const network = new NetworkingNetworkV2(this, "Network", {
        name: props.name,
        external: this.external,
        adminStateUp: true,
      });
      const subnet = new NetworkingSubnetV2(this, "Subnet", {
        name: props.subnetName,
        networkId: network.id,
        cidr: props.cidr,
        ipVersion: 4,
        enableDhcp: props.dhcp ?? true,
      });
      this.networkId = network.id;
      this.subnetId = subnet.id;
    } else {
      const network = new DataOpenstackNetworkingNetworkV2(this, "Network", { name: props.name });
      const subnet = new DataOpenstackNetworkingSubnetV2(this, "Subnet", { name: props.subnetName, networkId: network.id });
      this.networkId = network.id;
      this.subnetId = subnet.id;
    }
  }
}
