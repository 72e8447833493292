/**
 * The mapping of node-file fields to Ironic's (lab/ironic-fields.ts), node
 * by node. What TripleO's own import writes for the same files is compared on
 * the test bed by __tests__/integration/tripleo-import.test.ts; these tests
 * pin the mapping where it is decided.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readNodeFile } from "../../lab";
import { capabilitiesText, ironicNodeSpec, isImageName, NodeImages, nodeVariableSuffix } from "../../lab/ironic-fields";
import { writeFiles } from "../helpers/files";

const images: NodeImages = { deployKernel: "lab-kernel-id", deployRamdisk: "lab-ramdisk-id" };

function specOf(node: Record<string, unknown>, nodeImages = images) {
  const file = path.join(writeFiles({ "nodes.json": JSON.stringify({ nodes: [{ name: "n1", ...node }] }) }), "nodes.json");
  const [parsed] = readNodeFile(file).nodes;
  return ironicNodeSpec(parsed, nodeImages, parsed.capabilities);
}

const bmc = { pm_addr: "192.168.1.101", pm_user: "admin", pm_password: "not-in-the-spec", ports: [{ address: "52:54:00:00:01:01" }] };

describe("ironicNodeSpec", () => {
  test("GIVEN the runbook's legacy node WHEN mapped THEN ipmi driver_info, numbers, the lab's deploy images, a port without physnet (the default comes at create)", () => {
    const spec = specOf({ pm_type: "pxe_ipmitool", pm_addr: "192.168.1.113", pm_user: "admin", pm_password: "x", mac: ["52:54:00:00:FA:0D"], cpu: "2", memory: "6144", disk: "40", arch: "x86_64" });
    expect(spec).toEqual({
      name: "n1",
      driver: "ipmi",
      driver_info: { ipmi_address: "192.168.1.113", ipmi_username: "admin", deploy_kernel: "lab-kernel-id", deploy_ramdisk: "lab-ramdisk-id" },
      password_fields: ["ipmi_password"],
      properties: { cpus: 2, memory_mb: 6144, local_gb: 40, cpu_arch: "x86_64" },
      capabilities: {},
      fields: {},
      extra: {},
      ports: [{ address: "52:54:00:00:fa:0d" }],
    });
    expect(JSON.stringify(spec)).not.toContain("not-in-the-spec");
  });

  test("GIVEN every modern field WHEN mapped THEN each lands where tripleo-common puts it", () => {
    const spec = specOf(
      {
        ...bmc,
        pm_type: "ipmi",
        pm_port: 6230,
        ports: [{ address: "52:54:00:00:01:01", physical_network: "provisioning", local_link_connection: { switch_id: "aa:bb:cc:dd:ee:ff", port_id: "Eth1/1" } }],
        root_device: { serial: "S123", size: 40 },
        arch: "aarch64",
        platform: "generic",
        resource_class: "baremetal.compute",
        conductor_group: "Rack4",
        kernel_id: "node-kernel",
        ramdisk_id: "https://images.example/ramdisk",
        boot_interface: "ipxe",
        capabilities: "boot_option:local",
        profile: "compute",
      },
      { ...images, nodeKernel: "node-kernel-id" },
    );
    expect(spec.driver_info).toEqual({
      ipmi_address: "192.168.1.101",
      ipmi_username: "admin",
      ipmi_port: 6230,
      deploy_kernel: "node-kernel-id",
      rescue_kernel: "node-kernel-id",
      deploy_ramdisk: "https://images.example/ramdisk",
      rescue_ramdisk: "https://images.example/ramdisk",
    });
    expect(spec.properties).toEqual({ cpu_arch: "aarch64", root_device: { serial: "S123", size: 40 } });
    expect(spec.capabilities).toEqual({ boot_option: "local", profile: "compute" });
    expect(spec.fields).toEqual({ boot_interface: "ipxe", resource_class: "baremetal.compute", conductor_group: "rack4" });
    expect(spec.extra).toEqual({ tripleo_platform: "generic" });
    expect(spec.ports).toEqual([{ address: "52:54:00:00:01:01", physical_network: "provisioning", local_link_connection: { switch_id: "aa:bb:cc:dd:ee:ff", port_id: "Eth1/1" } }]);
  });

  test("GIVEN idrac WHEN mapped THEN both the WS-Man (host only) and the Redfish keys, as TripleO's iDRACDriverInfo", () => {
    const spec = specOf({ ...bmc, pm_type: "idrac", pm_addr: "https://10.0.0.5:443/", pm_port: 443, pm_system_id: "/redfish/v1/Systems/System.Embedded.1" });
    expect(spec.driver_info).toMatchObject({
      drac_address: "10.0.0.5",
      drac_port: 443,
      drac_username: "admin",
      redfish_address: "https://10.0.0.5:443/",
      redfish_username: "admin",
      redfish_system_id: "/redfish/v1/Systems/System.Embedded.1",
    });
    expect(spec.password_fields).toEqual(["drac_password", "redfish_password"]);
  });

  test("GIVEN redfish, ilo, irmc, fake-hardware WHEN mapped THEN each hardware type's own keys, none for fake-hardware", () => {
    expect(specOf({ ...bmc, pm_type: "redfish", pm_addr: "https://10.0.0.5", pm_system_id: "/redfish/v1/Systems/1" }).driver_info).toMatchObject({
      redfish_address: "https://10.0.0.5",
      redfish_username: "admin",
      redfish_system_id: "/redfish/v1/Systems/1",
    });
    expect(specOf({ ...bmc, pm_type: "ilo", pm_port: 443 }).driver_info).toMatchObject({ ilo_address: "192.168.1.101", ilo_username: "admin", ilo_port: 443 });
    expect(specOf({ ...bmc, pm_type: "irmc" }).password_fields).toEqual(["irmc_password"]);
    const fake = specOf({ pm_type: "fake-hardware" });
    expect(fake.driver_info).toEqual({ deploy_kernel: "lab-kernel-id", deploy_ramdisk: "lab-ramdisk-id" });
    expect(fake.password_fields).toEqual([]);
  });
});

describe("image references and capabilities", () => {
  test("a Glance ID or a URL goes as written; anything else is a name labcdk looks up", () => {
    expect(isImageName("bm-deploy-kernel")).toBe(true);
    expect(isImageName("0b8c2a63-3b59-4a3b-9d4a-2a1f4a0e7c11")).toBe(false);
    expect(isImageName("http://10.0.0.1/ipa.kernel")).toBe(false);
    expect(isImageName("file:///var/lib/ironic/images/ipa.initramfs")).toBe(false);
  });

  test("capabilities are written sorted by key, as tripleo-common's dict_to_capabilities does (or in the order given, when asked)", () => {
    expect(capabilitiesText({ profile: "compute", boot_option: "local" })).toBe("boot_option:local,profile:compute");
    expect(capabilitiesText({ profile: "compute", boot_option: "local" }, "as given")).toBe("profile:compute,boot_option:local");
  });
});

describe("node names in environment-variable names", () => {
  test("GIVEN the shared table (also read by the Python unit tests) WHEN each name is mapped THEN it reads as the table says", () => {
    const table: { names: Record<string, string> } = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "node-variable-names.json"), "utf8"));
    expect(Object.keys(table.names).length).toBeGreaterThan(3);
    const mapped = Object.fromEntries(Object.keys(table.names).map((name) => [name, nodeVariableSuffix(name)]));
    expect(mapped).toEqual(table.names);
  });
});
