import { Construct } from "constructs";
import { DataOpenstackNetworkingNetworkV2 } from "../.gen/providers/openstack/data-openstack-networking-network-v2";
import { DataOpenstackNetworkingSubnetV2 } from "../.gen/providers/openstack/data-openstack-networking-subnet-v2";
import { NetworkingNetworkV2 } from "../.gen/providers/openstack/networking-network-v2";
import { NetworkingSubnetV2 } from "../.gen/providers/openstack/networking-subnet-v2";
import { parseCidr } from "../lab/addresses";

/** How instances on an IPv6 subnet get addresses: Neutron's ipv6_address_mode, and the router advertisements' ipv6_ra_mode alike. */
export type Ipv6AddressMode = "slaac" | "dhcpv6-stateful" | "dhcpv6-stateless";

export interface SubnetProps {
  /** Subnet name, e.g. `lab_privsub`. */
  readonly name: string;
  /** Its range, IPv4 or IPv6, e.g. `192.168.1.0/24`. Used when the network is created. */
  readonly cidr: string;
  /** IPv6 only: how instances get addresses. @default - Neutron's (addresses through the API only) */
  readonly addressMode?: Ipv6AddressMode;
  /** DHCP on this subnet (created networks only). @default - the network's `dhcp` */
  readonly dhcp?: boolean;
}

export interface TenantNetworkProps {
  /** Network name, e.g. `lab_privnet`. */
  readonly name: string;
  /** Subnet name, e.g. `lab_privsub`. */
  readonly subnetName: string;
  /** Subnet range, IPv4 or IPv6, e.g. `192.168.1.0/24`. Used when the network is created. */
  readonly cidr: string;
  /** IPv6 `cidr` only: how instances get addresses. @default - Neutron's */
  readonly addressMode?: Ipv6AddressMode;
  /** A second, IPv6 subnet (dual stack). @default - none */
  readonly ipv6?: SubnetProps;
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
  /** The IPv6 subnet's UUID of a dual-stack network. */
  public readonly ipv6SubnetId?: string;
  public readonly external: boolean;

  constructor(scope: Construct, id: string, props: TenantNetworkProps) {
    super(scope, id);
    this.name = props.name;
    this.external = props.external ?? false;
    const primary: SubnetProps = { name: props.subnetName, cidr: props.cidr, addressMode: props.addressMode };
    if (props.create) {
      const network = new NetworkingNetworkV2(this, "Network", {
        name: props.name,
        external: this.external,
        adminStateUp: true,
      });
      const subnet = (id: string, s: SubnetProps) => {
        const version = ipVersion(props.name, s.cidr);
        return new NetworkingSubnetV2(this, id, {
          name: s.name,
          networkId: network.id,
          cidr: s.cidr,
          ipVersion: version,
          enableDhcp: s.dhcp ?? props.dhcp ?? true,
          ...(version === 6 && s.addressMode ? { ipv6AddressMode: s.addressMode, ipv6RaMode: s.addressMode } : {}),
        });
      };
      this.networkId = network.id;
      this.subnetId = subnet("Subnet", primary).id;
      if (props.ipv6) this.ipv6SubnetId = subnet("Ipv6Subnet", props.ipv6).id;
    } else {
      const network = new DataOpenstackNetworkingNetworkV2(this, "Network", { name: props.name });
      const subnet = (id: string, s: SubnetProps) => new DataOpenstackNetworkingSubnetV2(this, id, { name: s.name, networkId: network.id });
      this.networkId = network.id;
      this.subnetId = subnet("Subnet", primary).id;
      if (props.ipv6) this.ipv6SubnetId = subnet("Ipv6Subnet", props.ipv6).id;
    }
  }

  /** The network's subnets, by name of the router interface each gets: the first one keeps the network's name. */
  public get routedSubnets(): Array<{ id: string; subnetId: string }> {
    return [{ id: this.name, subnetId: this.subnetId }, ...(this.ipv6SubnetId ? [{ id: `${this.name}-ipv6`, subnetId: this.ipv6SubnetId }] : [])];
  }
}

/** 4 or 6, from the range (a lab file's ranges are checked by the loader first; this guards the construct used on its own). */
function ipVersion(network: string, cidr: string): 4 | 6 {
  const parsed = parseCidr(cidr);
  if (typeof parsed === "string") throw new Error(`network "${network}": cidr ${cidr} ${parsed}`);
  return parsed.version;
}
