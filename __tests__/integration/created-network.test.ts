/**
 * A lab that creates its own dual-stack network (IPv4 and IPv6 subnets), router and flavor (instead of
 * using the classroom's), applied on the test bed: everything exists as the
 * lab says, the instance boots on it, a second plan is empty, destroy removes
 * all of it and leaves the test bed's own networks alone.
 * The lab: __tests__/fixtures/labs/created/lab.yaml.
 */
import { CREATED_LAB } from "../helpers/synth";
import { describeWithTestbed, openstack, openstackMaybe, stackOnTestbed } from "../helpers/testbed";

describeWithTestbed("a lab that creates its network, router and flavor, on the test bed", () => {
  const { run } = stackOnTestbed(CREATED_LAB, "created-overcloud");

  test("apply: network, IPv4 and IPv6 subnets, router with gateway and an interface on each, flavor, SSH rule; the instance on them", () => {
    run(["apply", "-auto-approve"]);
    const net = openstack("overcloud", ["network", "show", "made_privnet"]);
    const subnet = openstack("overcloud", ["subnet", "show", "made_privsub"]);
    expect(subnet).toMatchObject({ cidr: "127.202.0.0/24", enable_dhcp: false, network_id: net.id });
    const router = openstack("overcloud", ["router", "show", "made_router"]);
    expect(router.external_gateway_info.network_id).toBe(openstack("overcloud", ["network", "show", "lab_pubnet"]).id);
    const subnet6 = openstack("overcloud", ["subnet", "show", "made_privsub6"]);
    expect(subnet6).toMatchObject({ cidr: "fd00:202::/64", enable_dhcp: true, ip_version: 6, ipv6_address_mode: "slaac", ipv6_ra_mode: "slaac", network_id: net.id });
    const routerPorts = openstack("overcloud", ["port", "list", "--router", router.id, "--network", net.id, "--long"]);
    // One interface per subnet: Neutron takes both (the IPv6 one on its own port).
    const routedSubnets = routerPorts.flatMap((p: any) => (Array.isArray(p["Fixed IP Addresses"]) ? p["Fixed IP Addresses"] : []).map((ip: any) => ip.subnet_id)).sort();
    expect(routedSubnets).toEqual([subnet.id, subnet6.id].sort());
    expect(openstack("overcloud", ["flavor", "show", "made.tiny"])).toMatchObject({ vcpus: 1, ram: 512, disk: 1 });
    const server = openstack("overcloud", ["server", "show", "made_vm"]);
    expect(server).toMatchObject({ status: "ACTIVE", "OS-EXT-SRV-ATTR:host": "compute-1", flavor: expect.stringContaining("made.tiny") });
    const rules = openstack("overcloud", ["security", "group", "rule", "list", "default", "--ingress", "--long"]);
    expect(rules.some((r: any) => r["IP Protocol"] === "tcp" && r["Port Range"] === "22:22")).toBe(true);
  });

  test("a second plan shows no changes", () => {
    expect(run(["plan", "-detailed-exitcode"]).stdout).toContain("No changes.");
  });

  test("destroy removes what the lab made and leaves the test bed's networks", () => {
    run(["destroy", "-auto-approve"]);
    expect(openstackMaybe("overcloud", ["network", "show", "made_privnet"])).toBeUndefined();
    expect(openstackMaybe("overcloud", ["router", "show", "made_router"])).toBeUndefined();
    expect(openstackMaybe("overcloud", ["flavor", "show", "made.tiny"])).toBeUndefined();
    expect(openstackMaybe("overcloud", ["network", "show", "lab_pubnet"])).toBeDefined();
  });
});
