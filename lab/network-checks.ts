/**
 * Cross-checks of a lab's addresses and networks: what Neutron would refuse
 * (or half-do) at apply time, found before anything touches a cloud. One
 * function per rule; each returns the problems it finds as
 * [key path, message], the loader adds file and line.
 *
 * The schema has already parsed every address and CIDR (lab/addresses.ts),
 * so these parse again only to compare.
 */
import { Address, broadcastAddress, Cidr, contains, overlaps, parseAddress, parseCidr, sameAddress } from "./addresses";
import { shown } from "./errors";
import { LabFile, Network } from "./schema";

export type Problem = [keyPath: PropertyKey[], message: string];

/** A network's subnets, parsed: [key path of the cidr, the subnet's name, its network]. */
function subnetsOf(name: string, network: Network): Array<{ at: PropertyKey[]; subnet: string; cidr: Cidr }> {
  const subnets = [{ at: ["networks", name, "cidr"], subnet: network.subnet, cidr: parseCidr(network.cidr) as Cidr }];
  if (network.ipv6) subnets.push({ at: ["networks", name, "ipv6", "cidr"], subnet: network.ipv6.subnet, cidr: parseCidr(network.ipv6.cidr) as Cidr });
  return subnets;
}

/** The IPv4 network of a network, if it has one. */
function ipv4Of(network: Network): Cidr | undefined {
  const own = parseCidr(network.cidr) as Cidr;
  return own.version === 4 ? own : undefined;
}

/**
 * IPv6 settings fit: `addressMode` only on an IPv6 `cidr`, and only with
 * DHCP on (Neutron refuses a mode with enable_dhcp false, seen on the test
 * bed); `ipv6` (dual stack) only beside an IPv4 `cidr`; SLAAC (and
 * stateless DHCPv6, which takes the address from SLAAC) needs a /64, as
 * Neutron requires.
 */
export function ipv6Settings(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  for (const [name, network] of Object.entries(lab.networks)) {
    const own = parseCidr(network.cidr) as Cidr;
    if (network.addressMode && own.version === 4) {
      problems.push([["networks", name, "addressMode"], `applies to an IPv6 subnet, and cidr ${network.cidr} is IPv4; put it under networks.${name}.ipv6, or remove it (got ${shown(network.addressMode)})`]);
    }
    if (network.ipv6 && own.version === 6) {
      problems.push([["networks", name, "ipv6"], `is the IPv6 subnet of a dual-stack network, and cidr ${network.cidr} is already IPv6; give the network an IPv4 cidr, or remove ipv6`]);
    }
    const v6 = [
      { at: ["networks", name], cidr: own, mode: network.addressMode, dhcp: network.dhcp },
      ...(network.ipv6 ? [{ at: ["networks", name, "ipv6"], cidr: parseCidr(network.ipv6.cidr) as Cidr, mode: network.ipv6.addressMode, dhcp: network.ipv6.dhcp ?? network.dhcp }] : []),
    ];
    for (const { at, cidr, mode, dhcp } of v6) {
      if (cidr.version === 6 && mode && !dhcp) {
        problems.push([[...at, "addressMode"], `needs DHCP on the subnet (Neutron refuses an IPv6 address mode with enable_dhcp false); set ${at.join(".")}.dhcp: true, or remove addressMode (got ${shown(mode)})`]);
      }
      if (cidr.version === 6 && (mode === "slaac" || mode === "dhcpv6-stateless") && cidr.prefix !== 64) {
        problems.push([[...at, "addressMode"], `${mode} needs a /64 subnet (addresses are made from the MAC), and ${cidr.text} is a /${cidr.prefix}; use a /64 or dhcpv6-stateful`]);
      }
    }
  }
  return problems;
}

/** A subnet leaves room for a gateway and an instance: IPv4 up to /30, IPv6 up to /126. */
export function subnetsHaveRoom(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  for (const [name, network] of Object.entries(lab.networks)) {
    for (const { at, cidr } of subnetsOf(name, network)) {
      const max = cidr.version === 4 ? 30 : 126;
      if (cidr.prefix > max) problems.push([at, `leaves no address for a gateway and an instance (a /${cidr.prefix}); use at most /${max} (got ${shown(cidr.text)})`]);
    }
  }
  return problems;
}

/**
 * Networks that must not share addresses: the private (non-external)
 * networks of the lab among themselves, and a router's external network
 * with the networks it has interfaces on (Neutron refuses both). An external
 * pool may overlap networks it is not routed to.
 */
export function networksDoNotOverlap(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const reported = new Set<string>();
  const check = (a: string, b: string, why: string) => {
    const key = [a, b].sort().join(" ");
    if (a === b || reported.has(key) || !(a in lab.networks) || !(b in lab.networks)) return;
    for (const x of subnetsOf(a, lab.networks[a])) {
      for (const y of subnetsOf(b, lab.networks[b])) {
        if (!overlaps(x.cidr, y.cidr)) continue;
        reported.add(key);
        problems.push([y.at, `${y.cidr.text} overlaps ${x.cidr.text} of network ${a}: ${why}; give them separate ranges (got ${shown(y.cidr.text)})`]);
        return;
      }
    }
  };
  const names = Object.keys(lab.networks);
  const privateNetworks = names.filter((n) => !lab.networks[n].external);
  privateNetworks.forEach((a, i) => privateNetworks.slice(i + 1).forEach((b) => check(a, b, "private networks of one lab must not overlap (a router joining them refuses it, and addresses become ambiguous)")));
  for (const router of Object.values(lab.routers)) {
    for (const network of router.interfaces) check(router.externalNetwork, network, `a router cannot join overlapping subnets (routers.*.interfaces)`);
  }
  return problems;
}

/**
 * A floating address lies in its pool's IPv4 subnet and is neither the
 * subnet's network nor its broadcast address; the pool has an IPv4 subnet
 * at all; no two instances claim the same address.
 */
export function floatingAddresses(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  const claimed: Array<{ instance: string; address: Address }> = [];
  for (const [name, instance] of Object.entries(lab.instances)) {
    const floating = instance.floatingIp;
    const pool = floating ? lab.networks[floating.pool] : undefined;
    if (!floating || !pool?.external) continue; // not an external network: refused by the loader's reference check
    const at = ["instances", name, "floatingIp"];
    const subnet = ipv4Of(pool);
    if (!subnet) {
      problems.push([[...at, "pool"], `has no IPv4 subnet (cidr ${pool.cidr}), and Neutron's floating IPs are IPv4; use an external network with an IPv4 cidr (got ${shown(floating.pool)})`]);
      continue;
    }
    if (floating.address === undefined) continue;
    const address = parseAddress(floating.address) as Address;
    const other = claimed.find((c) => sameAddress(c.address, address));
    if (other) problems.push([[...at, "address"], `is also the floating address of instance ${other.instance}; an address belongs to one instance (got ${shown(floating.address)})`]);
    claimed.push({ instance: name, address });
    if (!contains(subnet, address)) {
      problems.push([[...at, "address"], `is not in ${subnet.text}, the subnet of pool ${floating.pool}; pick an address of that range (got ${shown(floating.address)})`]);
    } else if (address.ip.toString() === subnet.network.toString()) {
      problems.push([[...at, "address"], `is the network address of ${subnet.text} (pool ${floating.pool}), which no port can have (got ${shown(floating.address)})`]);
    } else if (address.ip.toString() === broadcastAddress(subnet)) {
      problems.push([[...at, "address"], `is the broadcast address of ${subnet.text} (pool ${floating.pool}), which no port can have (got ${shown(floating.address)})`]);
    }
  }
  return problems;
}

/**
 * An instance with a floating IP has an IPv4 address to map it to, and, on a
 * network this lab creates, a router of this lab joins that network to the
 * pool (no router made elsewhere can know a network made here; Neutron
 * would refuse the association: "External network … is not reachable").
 */
export function floatingIpsAreRouted(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  for (const [name, instance] of Object.entries(lab.instances)) {
    const network = lab.networks[instance.network];
    if (!instance.floatingIp || !network || network.external) continue;
    if (!ipv4Of(network)) {
      problems.push([["instances", name, "floatingIp"], `needs an IPv4 address on the instance, and network ${instance.network} has only IPv6 (${network.cidr}); give the network an IPv4 cidr (dual stack: cidr IPv4, ipv6 for the IPv6 subnet), or remove floatingIp`]);
      continue;
    }
    if (!network.create) continue;
    const routed = Object.values(lab.routers).some((r) => r.externalNetwork === instance.floatingIp?.pool && r.interfaces.includes(instance.network));
    if (!routed) {
      problems.push([["instances", name, "floatingIp", "pool"], `is not reachable from network ${instance.network}, which this lab creates: add a router with externalNetwork ${instance.floatingIp.pool} and an interface on ${instance.network} (got ${shown(instance.floatingIp.pool)})`]);
    }
  }
  return problems;
}

/** A router's interfaces are private networks, each once (Neutron refuses an interface on an external network). */
export function routerInterfaces(lab: LabFile): Problem[] {
  const problems: Problem[] = [];
  for (const [name, router] of Object.entries(lab.routers)) {
    router.interfaces.forEach((network, i) => {
      const at = ["routers", name, "interfaces", i];
      if (lab.networks[network]?.external) problems.push([at, `is an external network; a router reaches it through externalNetwork, and has interfaces on private networks only (got ${shown(network)})`]);
      if (router.interfaces.indexOf(network) !== i) problems.push([at, `names ${shown(network)} a second time`]);
    });
  }
  return problems;
}

/** Every network rule, in the order their problems are listed. */
export function networkChecks(lab: LabFile): Problem[] {
  return [ipv6Settings, subnetsHaveRoom, networksDoNotOverlap, floatingAddresses, floatingIpsAreRouted, routerInterfaces].flatMap((rule) => rule(lab));
}
