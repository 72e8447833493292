/**
 * Addresses and networks of a lab file, parsed by ipaddr.js (not matched by
 * patterns): what each text means, and why a text is refused.
 *
 * Refused everywhere: numbers out of range, leading zeros in an IPv4 address
 * (some tools read them as octal, others as decimal), IPv6 zone indexes
 * (`fe80::1%eth0`: Neutron has no use for them), and a CIDR with host bits
 * set (`192.168.1.17/24`: Neutron would take it as 192.168.1.0/24 or refuse
 * it, depending on the field).
 */
import * as ipaddr from "ipaddr.js";

export type IpVersion = 4 | 6;

export interface Address {
  readonly text: string;
  readonly version: IpVersion;
  readonly ip: ipaddr.IPv4 | ipaddr.IPv6;
}

export interface Cidr {
  readonly text: string;
  readonly version: IpVersion;
  /** The network address (the text's address: a CIDR with host bits is refused). */
  readonly network: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
}

const MAX_PREFIX: Record<IpVersion, number> = { 4: 32, 6: 128 };

/** The address `text` means, or why it is not one. */
export function parseAddress(text: string): Address | string {
  if (text.includes("%")) return "is an IPv6 address with a zone index; write the address without %ZONE";
  if (/^[0-9.]+$/.test(text)) {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { text, version: 4, ip: ipaddr.IPv4.parse(text) };
    if (ipaddr.IPv4.isValid(text) && text.split(".").length === 4) return "has a leading zero in a number (some tools read it as octal); write each number without leading zeros";
    return "is not an IPv4 address: it needs four numbers 0-255 separated by dots, such as 172.25.250.51";
  }
  if (ipaddr.IPv6.isValid(text)) return { text, version: 6, ip: ipaddr.IPv6.parse(text) };
  if (ipaddr.IPv4.isValid(text)) return "is an IPv4 address in a non-decimal form; write four decimal numbers 0-255, such as 172.25.250.51";
  return "is not an IP address (IPv4 such as 172.25.250.51, or IPv6 such as 2001:db8::51)";
}

/** The network `text` (ADDRESS/PREFIX) means, or why it is not one. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return "is not a CIDR: write ADDRESS/PREFIX, such as 192.168.1.0/24 or 2001:db8:1::/64";
  const address = parseAddress(text.slice(0, slash));
  if (typeof address === "string") return `has an address that ${address}`;
  const prefixText = text.slice(slash + 1);
  const max = MAX_PREFIX[address.version];
  if (!/^(0|[1-9][0-9]*)$/.test(prefixText) || Number(prefixText) > max) return `has a prefix /${prefixText}; an IPv${address.version} prefix is a number 0-${max}`;
  const [, prefix] = ipaddr.parseCIDR(text);
  const network = (address.version === 4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(text);
  if (network.toString() !== address.ip.toString()) {
    return `has host bits set: the network of ${text} is ${network.toString()}/${prefix}; write that`;
  }
  return { text, version: address.version, network, prefix };
}

/** `address` lies inside `cidr`. */
export function contains(cidr: Cidr, address: Address): boolean {
  return cidr.version === address.version && address.ip.match([cidr.network, cidr.prefix]);
}

/** The two networks share an address (one contains the other: CIDRs nest or are disjoint). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  return a.network.match([b.network, b.prefix]) || b.network.match([a.network, a.prefix]);
}

/** The IPv4 broadcast address of `cidr` (IPv6 has none). */
export function broadcastAddress(cidr: Cidr): string | undefined {
  return cidr.version === 4 ? ipaddr.IPv4.broadcastAddressFromCIDR(`${cidr.network.toString()}/${cidr.prefix}`).toString() : undefined;
}

/** Same address, whatever the spelling (IPv6 `2001:db8::1` and `2001:0db8:0:0::1`). */
export function sameAddress(a: Address, b: Address): boolean {
  return a.version === b.version && a.ip.toString() === b.ip.toString();
}
