import { Fn, ITerraformDependable, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ComputeInstanceV2 } from "../.gen/providers/openstack/compute-instance-v2";
import { DataOpenstackNetworkingFloatingipV2 } from "../.gen/providers/openstack/data-openstack-networking-floatingip-v2";
import { NetworkingFloatingipAssociateV2 } from "../.gen/providers/openstack/networking-floatingip-associate-v2";
import { NetworkingFloatingipV2 } from "../.gen/providers/openstack/networking-floatingip-v2";
import { NetworkingPortV2 } from "../.gen/providers/openstack/networking-port-v2";
import { ScriptStep } from "./script-step";
import { CHECK_REACHABILITY } from "./steps";
import { TenantNetwork } from "./tenant-network";

/** How to check that an instance answers on its floating IP: ping it, ask the API only (no packet sent), or not at all. */
export type ReachabilityCheck = "ping" | "api" | "none";

export interface TestInstanceProps {
  /** Server name, e.g. `lab_test-nodes`. */
  readonly name: string;
  /** Glance image name. */
  readonly imageName: string;
  /** Nova flavor name. */
  readonly flavorName: string;
  /** Network the instance's port is on. */
  readonly network: TenantNetwork;
  /** Compute host the instance boots on. */
  readonly host: string;
  /** Availability zone the host is in. @default "nova" */
  readonly availabilityZone?: string;
  /** Security group UUIDs of the instance's port. @default - the network's default for new ports */
  readonly securityGroupIds?: string[];
  /** External network the floating IP comes from. @default - no floating IP */
  readonly floatingIpPool?: TenantNetwork;
  /** A pre-allocated floating IP to use (looked up by address). @default - one is allocated from the pool */
  readonly floatingIpAddress?: string;
  /**
   * Check after association that the instance answers on its floating IP:
   * "ping", or "api" (floating IP bound to the port, instance ACTIVE; no packet sent).
   * @default "ping"
   */
  readonly reachabilityCheck?: ReachabilityCheck;
  /** `OS_CLOUD` of the overcloud (for the reachability check). */
  readonly cloud: string;
  /**
   * The instance exists already: the plan imports its server, port and
   * floating IP (association) by these ids instead of creating them. The
   * server's `network` block and the port's `fixed_ip` are then left as
   * Nova/Neutron made them (lifecycle ignore_changes), so adopting never
   * replaces either. @default - everything is created
   */
  readonly importIds?: TestInstanceImportIds;
}

/** OpenStack ids of an instance that exists already (see `TestInstanceProps.importIds`). */
export interface TestInstanceImportIds {
  /** Nova server id. */
  readonly serverId: string;
  /** Neutron id of the server's port on the instance's network. */
  readonly portId: string;
  /** Neutron id of the floating IP on that port. @default - none adopted: a floating IP is allocated and associated */
  readonly floatingIpId?: string;
}

/**
 * A test instance pinned to a compute host, with a floating IP associated to
 * its port.
 *
 * The host goes in `availability_zone = "<zone>:<host>"`: the provider reduces
 * its diff to the zone part, so a later migration does not force replacement.
 * (`hypervisor_hostname` is ForceNew and read back: a migration would make
 * the next plan destroy the instance.)
 *
 * The port is made here, not by Nova: the floating IP association needs its
 * id (the instance's `network.0.port` stays empty for Nova-made ports, and an
 * association with it silently associates nothing), and a port of ours keeps
 * its address and floating IP across migrations.
 */
export class TestInstance extends Construct {
  public readonly instance: ComputeInstanceV2;
  /** The floating IP address (resolved at apply time), when there is one. */
  public readonly floatingIp?: string;
  /** The last resource of the instance: steps that move it wait for this. */
  public readonly ready: ITerraformDependable;

  constructor(scope: Construct, id: string, props: TestInstanceProps) {
    super(scope, id);
    if (props.floatingIpAddress && !props.floatingIpPool) {
      throw new Error(`instance "${props.name}": floatingIpAddress ${props.floatingIpAddress} needs floatingIpPool (the external network it belongs to)`);
    }
    if (props.floatingIpPool && !props.floatingIpPool.external) {
      throw new Error(`instance "${props.name}": floatingIpPool "${props.floatingIpPool.name}" is not an external network`);
    }
    if (props.importIds?.floatingIpId && !props.floatingIpPool) {
      throw new Error(`instance "${props.name}": importIds.floatingIpId ${props.importIds.floatingIpId} needs floatingIpPool (an instance without a floating IP has none to adopt)`);
    }
    const zone = props.availabilityZone ?? "nova";
    const adopted = props.importIds;

    const port = new NetworkingPortV2(this, "Port", {
      name: `${props.name}-port`,
      networkId: props.network.networkId,
      fixedIp: [{ subnetId: props.network.subnetId }],
      securityGroupIds: props.securityGroupIds,
      adminStateUp: true,
    });
    this.instance = new ComputeInstanceV2(this, "Server", {
      name: props.name,
      imageName: props.imageName,
      flavorName: props.flavorName,
      availabilityZone: `${zone}:${props.host}`,
      network: [{ port: port.id }],
    });
    if (adopted) {
      port.importFrom(adopted.portId);
      // Neutron chose the address; the subnet alone would not say which, and a change of fixed_ip replaces the port.
      port.addOverride("lifecycle.ignore_changes", ["fixed_ip"]);
      this.instance.importFrom(adopted.serverId);
      // Nova's network block (uuid, name, fixed address) of a server booted with --network is not ours: a change there is ForceNew.
      // stop_before_destroy and force_delete are the provider's own flags, which its import leaves unset: a plan would "update" them.
      this.instance.addOverride("lifecycle.ignore_changes", ["network", "stop_before_destroy", "force_delete"]);
    }
    const portId = port.id;
    const fixedIp = Fn.element(port.allFixedIps, 0);

    new TerraformOutput(this, "Host", { value: props.host, description: `compute host ${props.name} is pinned to` });
    new TerraformOutput(this, "FixedIp", { value: fixedIp, description: `fixed IP of ${props.name}` });

    this.ready = this.instance;
    if (props.floatingIpPool) {
      let address: string;
      if (props.floatingIpAddress) {
        // The data source's `pool` filters on the floating network's ID (Neutron's floating_network_id), not its name.
        const existing = new DataOpenstackNetworkingFloatingipV2(this, "FloatingIp", {
          address: props.floatingIpAddress,
          pool: props.floatingIpPool.networkId,
        });
        address = existing.address;
      } else {
        const allocated = new NetworkingFloatingipV2(this, "FloatingIp", { pool: props.floatingIpPool.name });
        if (adopted?.floatingIpId) allocated.importFrom(adopted.floatingIpId);
        address = allocated.address;
      }
      // After the boot, as the runbook does (`server create --wait`, then `ip floating add`).
      const association = new NetworkingFloatingipAssociateV2(this, "FloatingIpAssociation", { floatingIp: address, portId, dependsOn: [this.instance] });
      // The association's import id is the floating IP's.
      if (adopted?.floatingIpId) association.importFrom(adopted.floatingIpId);
      this.floatingIp = address;
      this.ready = association;
      const check = props.reachabilityCheck ?? "ping";
      if (check !== "none") {
        this.ready = new ScriptStep(this, "Reachability", {
          step: CHECK_REACHABILITY,
          dependsOn: [association],
          inputs: { OS_CLOUD: props.cloud, INSTANCE_ID: this.instance.id, INSTANCE_NAME: props.name, FLOATING_IP: address, REACHABILITY_CHECK: check },
        });
      }
      new TerraformOutput(this, "FloatingIpAddress", { value: address, description: `floating IP of ${props.name}` });
    }
  }
}
