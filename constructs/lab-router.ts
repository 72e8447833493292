import { Construct } from "constructs";
import { NetworkingRouterInterfaceV2 } from "../.gen/providers/openstack/networking-router-interface-v2";
import { NetworkingRouterV2 } from "../.gen/providers/openstack/networking-router-v2";
import { TenantNetwork } from "./tenant-network";

export interface LabRouterProps {
  /** Router name. */
  readonly name: string;
  /** External network the gateway sits on. */
  readonly externalNetwork: TenantNetwork;
  /** Networks whose subnets get an interface on the router. */
  readonly interfaces: readonly TenantNetwork[];
}

/** A router with an external gateway and interfaces on private subnets. */
export class LabRouter extends Construct {
  public readonly routerId: string;

  constructor(scope: Construct, id: string, props: LabRouterProps) {
    super(scope, id);
    if (!props.externalNetwork.external) {
      throw new Error(`router "${props.name}": externalNetwork "${props.externalNetwork.name}" is not an external network`);
    }
    const router = new NetworkingRouterV2(this, "Router", {
      name: props.name,
      externalNetworkId: props.externalNetwork.networkId,
      adminStateUp: true,
    });
    this.routerId = router.id;
    for (const network of props.interfaces) {
      // Id from the network name (and "-ipv6" for a dual-stack network's second subnet): removing one interface leaves the others alone.
      for (const subnet of network.routedSubnets) {
        new NetworkingRouterInterfaceV2(this, `Interface-${subnet.id}`, { routerId: router.id, subnetId: subnet.subnetId });
      }
    }
  }
}
