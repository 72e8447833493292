import { labStacks, onlyResource, synthJson, CLASSROOM_DEV_LAB } from "../helpers/synth";

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
    expect(server.security_groups).toEqual(["default"]);
    expect(server.network[0].uuid).toMatch(/^\$\{data\.openstack_networking_network_v2\.Network-lab_privnet_Network_[0-9A-F]+\.id\}$/);
  });

  test("the floating IP is the pre-allocated 172.25.250.51 of lab_pubnet, associated with the instance's port", () => {
    const fip = onlyResource(json, "openstack_networking_floatingip_v2", "data");
    expect(fip).toMatchObject({ address: "172.25.250.51", pool: "lab_pubnet" });
    const association = onlyResource(json, "openstack_networking_floatingip_associate_v2");
    expect(association.floating_ip).toMatch(/^\$\{data\.openstack_networking_floatingip_v2\..*\.address\}$/);
    expect(association.port_id).toMatch(/^\$\{openstack_compute_instance_v2\..*\.network\[0\]\.port\}$/);
    expect(json.resource.openstack_compute_instance_v2).not.toHaveProperty("openstack_compute_floatingip_associate_v2");
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
      "Instance-lab_test-nodes_FixedIp": expect.stringContaining("network[0].fixed_ip_v4"),
      "Instance-lab_test-nodes_FloatingIpAddress": expect.stringContaining(".address}"),
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
    expect(onlyResource(json, "openstack_networking_floatingip_v2", "data").pool).toBe("dev_pubnet");
  });
});
