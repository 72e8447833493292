import { CLASSROOM_DEV_LAB, CLASSROOM_LAB, CREATED_LAB, labStacks, onlyResource, resourcesOf, synthJson } from "../helpers/synth";
import { labWith } from "../helpers/lab-builder";

describe("overcloud stack of the classroom lab", () => {
  const json = synthJson(labStacks().overcloud);

  test("talks to the overcloud cloud of clouds.yaml, with no credential in the configuration", () => {
    expect(json.provider.openstack).toEqual([{ cloud: "overcloud" }]);
  });

  test("GIVEN lab_test-nodes pinned to compute 0 THEN its zone is nova:overcloud-novacompute-0.localdomain and no hypervisor_hostname is set", () => {
    const server = onlyResource(json, "openstack_compute_instance_v2");
    expect(server.name).toBe("lab_test-nodes");
    expect(server.availability_zone).toBe("nova:overcloud-novacompute-0.localdomain");
    expect(server.hypervisor_hostname).toBeUndefined();
    expect(server.image_name).toBe("small");
    expect(server.flavor_name).toBe("m2.small");
    expect(server.network).toEqual([{ port: expect.stringMatching(/^\$\{openstack_networking_port_v2\.Instance-lab_test-nodes_Port_[0-9A-F]+\.id\}$/) }]);
  });

  test("the instance's port is on lab_privnet/lab_privsub, in the project's default group", () => {
    const port = onlyResource(json, "openstack_networking_port_v2");
    expect(port.network_id).toMatch(/^\$\{data\.openstack_networking_network_v2\.Network-lab_privnet_Network_[0-9A-F]+\.id\}$/);
    expect(port.fixed_ip).toEqual([{ subnet_id: expect.stringMatching(/Network-lab_privnet_Subnet_[0-9A-F]+\.id\}$/) }]);
    expect(port.security_group_ids).toEqual([expect.stringMatching(/^\$\{data\.openstack_networking_secgroup_v2\.SecurityRules_Group_[0-9A-F]+\.id\}$/)]);
  });

  test("the floating IP is the pre-allocated 172.25.250.51 of lab_pubnet, associated with the instance's port", () => {
    const fip = onlyResource(json, "openstack_networking_floatingip_v2", "data");
    // The data source's pool filters on the floating network's ID (Neutron's floating_network_id): lab_pubnet's looked-up ID, not its name.
    expect(fip).toMatchObject({ address: "172.25.250.51", pool: expect.stringMatching(/^\$\{data\.openstack_networking_network_v2\.Network-lab_pubnet_Network_[0-9A-F]+\.id\}$/) });
    const association = onlyResource(json, "openstack_networking_floatingip_associate_v2");
    expect(association.floating_ip).toMatch(/^\$\{data\.openstack_networking_floatingip_v2\..*\.address\}$/);
    expect(association.port_id).toMatch(/^\$\{openstack_networking_port_v2\.Instance-lab_test-nodes_Port_[0-9A-F]+\.id\}$/);
    expect(association.depends_on).toEqual([expect.stringMatching(/^openstack_compute_instance_v2\./)]);
    // The association is Neutron's resource, not the compute API's deprecated one.
    expect(json.resource).not.toHaveProperty("openstack_compute_floatingip_associate_v2");
  });

  test("an ICMP ingress rule (IPv4) goes in the project's own default group", () => {
    const rule = onlyResource(json, "openstack_networking_secgroup_rule_v2");
    expect(rule).toMatchObject({ direction: "ingress", ethertype: "IPv4", protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" });
    const group = onlyResource(json, "openstack_networking_secgroup_v2", "data");
    expect(group.name).toBe("default");
    expect(group.tenant_id).toMatch(/openstack_identity_auth_scope_v3/);
  });

  test("existing networks are looked up by name, none created", () => {
    const names = Object.values(json.data.openstack_networking_network_v2).map((n: any) => n.name);
    expect(names.sort()).toEqual(["lab_privnet", "lab_pubnet"]);
    expect(json.resource.openstack_networking_network_v2).toBeUndefined();
  });

  test("outputs host, fixed IP and floating IP of the instance", () => {
    const outputs = Object.entries(json.output).map(([id, o]: [string, any]) => [id.replace(/_[0-9A-F]{8}$/, ""), o.value]);
    expect(Object.fromEntries(outputs)).toEqual({
      "Instance-lab_test-nodes_Host": "overcloud-novacompute-0.localdomain",
      "Instance-lab_test-nodes_FixedIp": expect.stringMatching(/^\$\{element\(openstack_networking_port_v2\..*\.all_fixed_ips, 0\)\}$/),
      "Instance-lab_test-nodes_FloatingIpAddress": expect.stringContaining(".address}"),
    });
  });

  const step = (prefix: string): any => {
    const found = Object.entries(json.resource.terraform_data).filter(([id]) => id.startsWith(prefix));
    expect(found).toHaveLength(1);
    return found[0][1];
  };
  const fipAddress = expect.stringMatching(/^\$\{data\.openstack_networking_floatingip_v2\..*\.address\}$/);
  const serverId = expect.stringMatching(/^\$\{openstack_compute_instance_v2\.Instance-lab_test-nodes_Server_[0-9A-F]+\.id\}$/);

  test("after association, the runbook's ping of the floating IP, as a step", () => {
    const check = step("Instance-lab_test-nodes_Reachability_");
    expect(check.input).toEqual({
      LABCDK_STEP: "check-reachability",
      OS_CLOUD: "overcloud",
      INSTANCE_ID: serverId,
      INSTANCE_NAME: "lab_test-nodes",
      FLOATING_IP: fipAddress,
      REACHABILITY_CHECK: "ping",
    });
    expect(check.depends_on).toEqual([expect.stringMatching(/^openstack_networking_floatingip_associate_v2\./)]);
    expect(check.provisioner[0]["local-exec"].command).toMatch(/check-reachability\.sh"$/);
  });

  test("the desired migration: lab_test-nodes to compute 1, cold, after the reachability check, checked again after", () => {
    const migrate = step("Migration-lab_test-nodes_Migrate_");
    expect(migrate.input).toEqual({
      LABCDK_STEP: "migrate-instance",
      OS_CLOUD: "overcloud",
      INSTANCE_ID: serverId,
      INSTANCE_NAME: "lab_test-nodes",
      TARGET_HOST: "overcloud-novacompute-1.localdomain",
      MIGRATION_KIND: "cold",
      TIMEOUT_SECONDS: "900",
      FLOATING_IP: fipAddress,
      REACHABILITY_CHECK: "ping",
    });
    expect(migrate.depends_on).toEqual([expect.stringMatching(/^terraform_data\.Instance-lab_test-nodes_Reachability_/)]);
    expect(migrate.provisioner[0]["local-exec"].command).toMatch(/migrate-instance\.sh"$/);
    // Moved away by hand: the observation's state changes, and the migration runs again.
    const [type, name, attribute] = migrate.lifecycle.replace_triggered_by[0].split(".");
    expect([type, attribute]).toEqual(["labcdk_observation", "state"]);
    expect(json.resource.labcdk_observation[name]).toMatchObject({
      check: "nova-instance-host",
      inputs: { OS_CLOUD: "overcloud", INSTANCE_ID: serverId, TARGET_HOST: "overcloud-novacompute-1.localdomain" },
      state: "host=overcloud-novacompute-1.localdomain",
    });
  });

  test("snapshot (review tripwire)", () => {
    expect(json).toMatchSnapshot();
  });
});

describe("overcloud stack of the dev variant", () => {
  test("pins dev_test-nodes to compute 1 on dev_ networks", () => {
    const json = synthJson(labStacks(CLASSROOM_DEV_LAB).overcloud);
    const server = onlyResource(json, "openstack_compute_instance_v2");
    expect(server.name).toBe("dev_test-nodes");
    expect(server.availability_zone).toBe("nova:overcloud-novacompute-1.localdomain");
    expect(onlyResource(json, "openstack_networking_floatingip_v2", "data").pool).toMatch(/^\$\{data\.openstack_networking_network_v2\.Network-dev_pubnet_Network_[0-9A-F]+\.id\}$/);
  });
});

describe("overcloud stack of a lab that creates its network, router and flavor", () => {
  const json = synthJson(labStacks(CREATED_LAB).overcloud);

  test("the flavor is created public, and the instance takes it by reference (so it waits for it)", () => {
    expect(onlyResource(json, "openstack_compute_flavor_v2")).toMatchObject({ name: "made.tiny", vcpus: 1, ram: 512, disk: 1, is_public: true });
    expect(onlyResource(json, "openstack_compute_instance_v2").flavor_name).toMatch(/^\$\{openstack_compute_flavor_v2\.Flavor-madetiny\.name\}$/);
  });

  test("network and its two subnets (dual stack) are created; the router's gateway is on the looked-up external network, an interface on each subnet", () => {
    expect(onlyResource(json, "openstack_networking_network_v2")).toMatchObject({ name: "made_privnet", external: false });
    const subnets = Object.values(json.resource.openstack_networking_subnet_v2 as Record<string, Record<string, unknown>>).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(subnets).toEqual([
      expect.objectContaining({ name: "made_privsub", cidr: "127.202.0.0/24", enable_dhcp: false, ip_version: 4 }),
      expect.objectContaining({ name: "made_privsub6", cidr: "fd00:202::/64", enable_dhcp: true, ip_version: 6, ipv6_address_mode: "slaac", ipv6_ra_mode: "slaac" }),
    ]);
    expect(subnets[0]).not.toHaveProperty("ipv6_address_mode");
    expect(onlyResource(json, "openstack_networking_router_v2").external_network_id).toMatch(/data\.openstack_networking_network_v2\.Network-lab_pubnet_Network_/);
    const interfaces = Object.entries(json.resource.openstack_networking_router_interface_v2 as Record<string, { subnet_id: string }>).sort(([a], [b]) => a.localeCompare(b));
    // The IPv4 interface keeps the id it had before dual stack (its state stays where it is).
    expect(interfaces.map(([id]) => id)).toEqual([expect.stringMatching(/^Router-made_router_Interface-made_privnet_[0-9A-F]+$/), expect.stringMatching(/^Router-made_router_Interface-made_privnet-ipv6_[0-9A-F]+$/)]);
    expect(interfaces.map(([, i]) => i.subnet_id)).toEqual([
      expect.stringMatching(/^\$\{openstack_networking_subnet_v2\.Network-made_privnet_Subnet_[0-9A-F]+\.id\}$/),
      expect.stringMatching(/^\$\{openstack_networking_subnet_v2\.Network-made_privnet_Ipv6Subnet_[0-9A-F]+\.id\}$/),
    ]);
  });

  test("an SSH rule and no ICMP rule, as the lab says", () => {
    expect(onlyResource(json, "openstack_networking_secgroup_rule_v2")).toMatchObject({ protocol: "tcp", port_range_min: 22, port_range_max: 22, direction: "ingress" });
  });
});

describe("overcloud stack of a lab adopted by labcdk import", () => {
  const SERVER = "0b6f2c1e-8a7d-4a6e-9f3c-2d1e0a9b8c7d";
  const PORT = "1c7a3d2f-9b8e-4b7f-8a4d-3e2f1b0c9d8e";
  const FIP = "2d8b4e3a-0c9f-4c8a-9b5e-4f3a2c1d0e9f";
  const RULE = "3e9c5f4b-1d0a-4d9b-8c6f-5a4b3d2e1f0a";
  const adopted = labWith(CLASSROOM_LAB, {
    lab: (lab) => {
      const instance = lab.instances!["lab_test-nodes"];
      delete instance.migration;
      instance.adopt = { serverId: SERVER, portId: PORT, floatingIpId: FIP };
      lab.securityGroup!.adopt = { icmpRuleId: RULE };
    },
  });
  const json = synthJson(labStacks(adopted).overcloud);
  const importOf = (type: string) => {
    const [address] = Object.keys(resourcesOf(json, type));
    return json.import?.find((i: { to: string }) => i.to === `${type}.${address}`)?.id;
  };

  test("GIVEN adopt ids THEN server, port, floating IP association and ICMP rule are imported by those ids, nothing else", () => {
    expect(importOf("openstack_compute_instance_v2")).toBe(SERVER);
    expect(importOf("openstack_networking_port_v2")).toBe(PORT);
    expect(importOf("openstack_networking_floatingip_associate_v2")).toBe(FIP);
    expect(importOf("openstack_networking_secgroup_rule_v2")).toBe(RULE);
    expect(json.import).toHaveLength(4);
  });

  test("the adopted server keeps Nova's network block and the port Neutron's fixed IP (ignore_changes): adopting never replaces them", () => {
    expect(onlyResource(json, "openstack_compute_instance_v2").lifecycle).toEqual({ ignore_changes: ["network", "stop_before_destroy", "force_delete"] });
    expect(onlyResource(json, "openstack_networking_port_v2").lifecycle).toEqual({ ignore_changes: ["fixed_ip"] });
  });

  test("GIVEN no adopt ids (the classroom lab) THEN no import block and no ignore_changes", () => {
    const plain = synthJson(labStacks().overcloud);
    expect(plain.import).toBeUndefined();
    expect(onlyResource(plain, "openstack_compute_instance_v2").lifecycle).toBeUndefined();
  });
});
