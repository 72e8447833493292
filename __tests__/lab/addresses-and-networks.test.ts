/**
 * Addresses and networks of a lab file (lab/addresses.ts parses them with
 * ipaddr.js, lab/network-checks.ts cross-checks them): one test per rule,
 * each on the classroom lab with one thing changed, asserting the message
 * names the field and the value. Valid labs (classroom, dev, no floating
 * address, dual stack) stay valid.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { loadLab } from "../../lab";
import { parseAddress, parseCidr } from "../../lab/addresses";
import { projectRoot } from "../../lab/project-root";
import { writeFiles } from "../helpers/files";
import { CLASSROOM_LAB } from "../helpers/synth";
import { problemsOf } from "../helpers/problems";

const NODE_FILE = fs.readFileSync(path.join(path.dirname(CLASSROOM_LAB), "instackenv-onenode.json"), "utf8");

/** The classroom lab with `edit` applied to its parsed document (values set by key path), written next to its node file. */
function classroomWith(edits: Array<[keyPath: (string | number)[], value: unknown]>): string {
  const doc = parseDocument(fs.readFileSync(CLASSROOM_LAB, "utf8"));
  for (const [keyPath, value] of edits) {
    if (value === undefined) doc.deleteIn(keyPath);
    else doc.setIn(keyPath, doc.createNode(value));
  }
  return path.join(writeFiles({ "lab.yaml": doc.toString(), "instackenv-onenode.json": NODE_FILE }), "lab.yaml");
}

const FLOATING = ["instances", "lab_test-nodes", "floatingIp", "address"];
const PRIVATE_CIDR = ["networks", "lab_privnet", "cidr"];

describe("GIVEN an address or CIDR in a lab file", () => {
  const cases: Array<[what: string, keyPath: string[], value: string, message: string]> = [
    ["an octet above 255", FLOATING, "172.25.250.300", "is not an IPv4 address: it needs four numbers 0-255"],
    ["three octets", FLOATING, "172.25.250", "is not an IPv4 address"],
    ["a leading zero", FLOATING, "172.25.250.051", "has a leading zero in a number (some tools read it as octal)"],
    ["a hexadecimal octet", FLOATING, "0xac.25.250.51", "is an IPv4 address in a non-decimal form"],
    ["an IPv6 floating address", FLOATING, "2001:db8::51", "is an IPv6 address: Neutron's floating IPs are IPv4"],
    ["a zone index", FLOATING, "fe80::1%eth0", "zone index"],
    ["a word", FLOATING, "my-floating-ip", "is not an IP address"],
    ["a prefix above 32", PRIVATE_CIDR, "192.168.1.0/33", "has a prefix /33; an IPv4 prefix is a number 0-32"],
    ["a prefix above 128", PRIVATE_CIDR, "2001:db8::/129", "has a prefix /129; an IPv6 prefix is a number 0-128"],
    ["no prefix", PRIVATE_CIDR, "192.168.1.0", "is not a CIDR: write ADDRESS/PREFIX"],
    ["host bits set", PRIVATE_CIDR, "192.168.1.17/24", "has host bits set: the network of 192.168.1.17/24 is 192.168.1.0/24"],
    ["IPv6 host bits set", PRIVATE_CIDR, "2001:db8:1::5/64", "has host bits set: the network of 2001:db8:1::5/64 is 2001:db8:1::/64"],
    ["a leading zero in a CIDR", PRIVATE_CIDR, "192.168.01.0/24", "has an address that has a leading zero"],
    ["a prefix with a leading zero", PRIVATE_CIDR, "192.168.1.0/024", "has a prefix /024"],
  ];
  for (const [what, keyPath, value, message] of cases) {
    test(`WHEN it has ${what} (${value}) THEN the load refuses it, naming field, line and value`, () => {
      const file = classroomWith([[keyPath, value]]);
      expect(problemsOf(loadLab, file)).toEqual([expect.stringMatching(new RegExp(`^${file}:\\d+:\\d+: ${keyPath.join("\\.")}: `))]);
      expect(problemsOf(loadLab, file)[0]).toContain(message);
      expect(problemsOf(loadLab, file)[0]).toContain(`(got ${JSON.stringify(value)})`);
    });
  }

  test("WHEN parsed directly THEN valid IPv4 and IPv6 forms are read as the library reads them", () => {
    expect(parseAddress("172.25.250.51")).toMatchObject({ version: 4 });
    expect(parseAddress("2001:0db8:0000::51")).toMatchObject({ version: 6 });
    expect(parseCidr("0.0.0.0/0")).toMatchObject({ version: 4, prefix: 0 });
    expect(parseCidr("2001:db8:1::/64")).toMatchObject({ version: 6, prefix: 64 });
    expect(typeof parseCidr("10.0.0.0/8")).toBe("object");
  });
});

describe("GIVEN a floating IP address and its pool", () => {
  test("WHEN the address lies outside the pool's subnet THEN it is refused, naming the subnet and pool", () => {
    const [problem] = problemsOf(loadLab, classroomWith([[FLOATING, "172.25.251.51"]]));
    expect(problem).toContain('instances.lab_test-nodes.floatingIp.address: is not in 172.25.250.0/24, the subnet of pool lab_pubnet; pick an address of that range (got "172.25.251.51")');
  });

  test("WHEN the address is the pool subnet's network address THEN it is refused", () => {
    expect(problemsOf(loadLab, classroomWith([[FLOATING, "172.25.250.0"]]))).toEqual([expect.stringContaining("is the network address of 172.25.250.0/24 (pool lab_pubnet)")]);
  });

  test("WHEN the address is the pool subnet's broadcast address THEN it is refused", () => {
    expect(problemsOf(loadLab, classroomWith([[FLOATING, "172.25.250.255"]]))).toEqual([expect.stringContaining("is the broadcast address of 172.25.250.0/24 (pool lab_pubnet)")]);
  });

  test("WHEN the first and last host addresses are used THEN both are valid", () => {
    expect(problemsOf(loadLab, classroomWith([[FLOATING, "172.25.250.1"]]))).toEqual([]);
    expect(problemsOf(loadLab, classroomWith([[FLOATING, "172.25.250.254"]]))).toEqual([]);
  });

  test("WHEN two instances claim the same address THEN the second is refused, naming the first", () => {
    const classroom = parseDocument(fs.readFileSync(CLASSROOM_LAB, "utf8")).toJS();
    const twin = { ...classroom.instances["lab_test-nodes"], migration: undefined };
    const problems = problemsOf(loadLab, classroomWith([[["instances", "twin"], JSON.parse(JSON.stringify(twin))]]));
    expect(problems).toEqual([expect.stringContaining('instances.twin.floatingIp.address: is also the floating address of instance lab_test-nodes; an address belongs to one instance (got "172.25.250.51")')]);
  });

  test("WHEN the pool is an IPv6-only network THEN it is refused: floating IPs are IPv4", () => {
    const problems = problemsOf(loadLab, classroomWith([[["networks", "lab_pubnet", "cidr"], "2001:db8:ff::/64"], [FLOATING, undefined]]));
    expect(problems).toEqual([expect.stringContaining("instances.lab_test-nodes.floatingIp.pool: has no IPv4 subnet (cidr 2001:db8:ff::/64), and Neutron's floating IPs are IPv4")]);
  });

  test("WHEN the instance's network is IPv6-only THEN its floating IP is refused (nothing to map it to)", () => {
    const problems = problemsOf(loadLab, classroomWith([[PRIVATE_CIDR, "2001:db8:1::/64"]]));
    expect(problems).toEqual([expect.stringContaining("instances.lab_test-nodes.floatingIp: needs an IPv4 address on the instance, and network lab_privnet has only IPv6")]);
  });

  test("WHEN the instance's network is created by the lab and no router of the lab joins it to the pool THEN the pool is refused as unreachable", () => {
    const problems = problemsOf(loadLab, classroomWith([[["networks", "lab_privnet", "create"], true]]));
    expect(problems).toEqual([expect.stringContaining("instances.lab_test-nodes.floatingIp.pool: is not reachable from network lab_privnet, which this lab creates: add a router with externalNetwork lab_pubnet and an interface on lab_privnet")]);
    const routed = classroomWith([
      [["networks", "lab_privnet", "create"], true],
      [["routers"], { lab_router: { externalNetwork: "lab_pubnet", interfaces: ["lab_privnet"] } }],
    ]);
    expect(problemsOf(loadLab, routed)).toEqual([]);
  });
});

describe("GIVEN several networks", () => {
  test("WHEN two private networks overlap THEN the second is refused, naming both ranges", () => {
    const problems = problemsOf(loadLab, classroomWith([[["networks", "lab_other"], { subnet: "lab_othersub", cidr: "192.168.0.0/16" }]]));
    expect(problems).toEqual([expect.stringContaining("networks.lab_other.cidr: 192.168.0.0/16 overlaps 192.168.1.0/24 of network lab_privnet: private networks of one lab must not overlap")]);
  });

  test("WHEN private networks only touch (adjacent ranges) THEN they are valid", () => {
    expect(problemsOf(loadLab, classroomWith([[["networks", "lab_other"], { subnet: "lab_othersub", cidr: "192.168.2.0/24" }]]))).toEqual([]);
  });

  test("WHEN an external pool overlaps a private network no router joins it to THEN it is valid (a pool may be shared)", () => {
    expect(problemsOf(loadLab, classroomWith([[["networks", "lab_pubnet", "cidr"], "192.168.0.0/16"], [FLOATING, "192.168.7.51"]]))).toEqual([]);
  });

  test("WHEN a router joins a private network to an external one that overlaps it THEN the interface is refused", () => {
    const problems = problemsOf(loadLab, 
      classroomWith([
        [["networks", "lab_pubnet", "cidr"], "192.168.0.0/16"],
        [FLOATING, "192.168.7.51"],
        [["routers"], { lab_router: { externalNetwork: "lab_pubnet", interfaces: ["lab_privnet"] } }],
      ]),
    );
    expect(problems).toEqual([expect.stringContaining("networks.lab_privnet.cidr: 192.168.1.0/24 overlaps 192.168.0.0/16 of network lab_pubnet: a router cannot join overlapping subnets")]);
  });

  test("WHEN a router has an interface on an external network, or one network twice THEN each is refused", () => {
    const problems = problemsOf(loadLab, classroomWith([[["routers"], { lab_router: { externalNetwork: "lab_pubnet", interfaces: ["lab_privnet", "lab_pubnet", "lab_privnet"] } }]]));
    expect(problems).toEqual([
      expect.stringContaining('routers.lab_router.interfaces.1: is an external network; a router reaches it through externalNetwork, and has interfaces on private networks only (got "lab_pubnet")'),
      expect.stringContaining('routers.lab_router.interfaces.2: names "lab_privnet" a second time'),
    ]);
  });

  test("WHEN a subnet leaves no room (IPv4 /31, IPv6 /127) THEN it is refused", () => {
    expect(problemsOf(loadLab, classroomWith([[PRIVATE_CIDR, "192.168.1.0/31"]]))).toEqual([expect.stringContaining("networks.lab_privnet.cidr: leaves no address for a gateway and an instance (a /31); use at most /30")]);
  });
});

describe("GIVEN IPv6 networks", () => {
  const dualStack = (ipv6: Record<string, unknown>) => classroomWith([[["networks", "lab_privnet", "ipv6"], ipv6]]);

  test("WHEN a network has an IPv4 cidr and an ipv6 subnet (dual stack) THEN it is valid, with its floating IP", () => {
    const lab = loadLab(dualStack({ subnet: "lab_privsub6", cidr: "2001:db8:1::/64", addressMode: "slaac" }));
    expect(lab.networks.lab_privnet.ipv6).toEqual({ subnet: "lab_privsub6", cidr: "2001:db8:1::/64", addressMode: "slaac" });
  });

  test("WHEN the ipv6 subnet is given an IPv4 range THEN it is refused", () => {
    expect(problemsOf(loadLab, dualStack({ subnet: "lab_privsub6", cidr: "10.9.0.0/24" }))).toEqual([expect.stringContaining("networks.lab_privnet.ipv6.cidr: must be an IPv6 network")]);
  });

  test("WHEN SLAAC is asked on a subnet that is not a /64 THEN it is refused", () => {
    expect(problemsOf(loadLab, dualStack({ subnet: "lab_privsub6", cidr: "2001:db8:1::/80", addressMode: "slaac" }))).toEqual([expect.stringContaining("networks.lab_privnet.ipv6.addressMode: slaac needs a /64 subnet")]);
  });

  test("WHEN an address mode is asked on a subnet without DHCP THEN it is refused (Neutron refuses it)", () => {
    const file = classroomWith([[["networks", "lab_privnet", "dhcp"], false], [["networks", "lab_privnet", "ipv6"], { subnet: "lab_privsub6", cidr: "2001:db8:1::/64", addressMode: "slaac" }]]);
    expect(problemsOf(loadLab, file)).toEqual([expect.stringContaining('networks.lab_privnet.ipv6.addressMode: needs DHCP on the subnet (Neutron refuses an IPv6 address mode with enable_dhcp false); set networks.lab_privnet.ipv6.dhcp: true')]);
    const own = classroomWith([[["networks", "lab_privnet", "dhcp"], false], [["networks", "lab_privnet", "ipv6"], { subnet: "lab_privsub6", cidr: "2001:db8:1::/64", addressMode: "slaac", dhcp: true }]]);
    expect(problemsOf(loadLab, own)).toEqual([]);
  });

  test("WHEN addressMode is set on an IPv4 network THEN it is refused, saying where it belongs", () => {
    expect(problemsOf(loadLab, classroomWith([[["networks", "lab_privnet", "addressMode"], "slaac"]]))).toEqual([expect.stringContaining("networks.lab_privnet.addressMode: applies to an IPv6 subnet, and cidr 192.168.1.0/24 is IPv4")]);
  });

  test("WHEN a dual-stack network's IPv6 subnet overlaps another network's THEN it is refused", () => {
    const file = classroomWith([
      [["networks", "lab_privnet", "ipv6"], { subnet: "lab_privsub6", cidr: "2001:db8:1::/64" }],
      [["networks", "lab_v6"], { subnet: "lab_v6sub", cidr: "2001:db8::/32" }],
    ]);
    expect(problemsOf(loadLab, file)).toEqual([expect.stringContaining("networks.lab_v6.cidr: 2001:db8::/32 overlaps 2001:db8:1::/64 of network lab_privnet")]);
  });

  test("WHEN an IPv6-only private network has an instance without a floating IP THEN it is valid", () => {
    expect(problemsOf(loadLab, classroomWith([[PRIVATE_CIDR, "2001:db8:1::/64"], [["networks", "lab_privnet", "addressMode"], "dhcpv6-stateful"], [["instances", "lab_test-nodes", "floatingIp"], undefined]]))).toEqual([]);
  });
});

describe("GIVEN the introspection timing", () => {
  test("WHEN the poll interval is longer than the whole wait THEN it is refused, naming both", () => {
    const problems = problemsOf(loadLab, classroomWith([[["baremetal", "introspectionPollSeconds"], 4000]]));
    expect(problems).toEqual([expect.stringContaining("baremetal.introspectionPollSeconds: is longer than the wait it polls (introspectionTimeoutSeconds 1800)")]);
  });

  test("WHEN the poll interval equals the wait THEN it is valid", () => {
    expect(problemsOf(loadLab, classroomWith([[["baremetal", "introspectionPollSeconds"], 1800]]))).toEqual([]);
  });

  test("WHEN a timeout is zero or infinite THEN it is refused", () => {
    expect(problemsOf(loadLab, classroomWith([[["baremetal", "introspectionTimeoutSeconds"], 0]]))[0]).toContain("baremetal.introspectionTimeoutSeconds");
    expect(problemsOf(loadLab, classroomWith([[["overcloud", "deployTimeoutMinutes"], Infinity]]))[0]).toContain("overcloud.deployTimeoutMinutes");
  });
});

describe("GIVEN the labs that ship with labcdk", () => {
  for (const lab of ["labs/classroom/lab.yaml", "labs/classroom-dev/lab.yaml", "labs/testbed/lab.yaml", "__tests__/fixtures/labs/created/lab.yaml (dual stack)"]) {
    test(`WHEN ${lab} is loaded THEN it is valid`, () => {
      expect(problemsOf(loadLab, path.join(projectRoot(), lab.replace(/ \(.*\)$/, "")))).toEqual([]);
    });
  }

  test("WHEN the classroom lab has no floating address (one is allocated) THEN it is valid", () => {
    expect(problemsOf(loadLab, classroomWith([[FLOATING, undefined]]))).toEqual([]);
  });
});
