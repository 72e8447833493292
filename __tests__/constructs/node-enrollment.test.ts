import { TerraformStack, Testing } from "cdktf";
import { BaremetalNode } from "../../constructs/baremetal-node";
import { NodeEnrollment, specVariable } from "../../constructs/node-enrollment";
import { IronicNodeSpec } from "../../lab/ironic-fields";

const settings = { cloud: "undercloud", nodeFile: "/labs/x/nodes.json", introspectionTimeoutSeconds: 1800, introspectionPollSeconds: 10, introspectionConcurrency: 20 };

function node(stack: TerraformStack, name: string, extra: Partial<IronicNodeSpec> = {}): BaremetalNode {
  const spec: IronicNodeSpec = {
    name,
    driver: "fake-hardware",
    driver_info: { deploy_kernel: "k", deploy_ramdisk: "r" },
    password_fields: [],
    properties: {},
    capabilities: {},
    fields: {},
    extra: {},
    ports: [{ address: "52:54:00:00:00:01" }],
    ...extra,
  };
  return new BaremetalNode(stack, `Node-${name}`, { cloud: settings.cloud, spec });
}

describe("NodeEnrollment", () => {
  test("one entry per node, named as the BMC password variable is", () => {
    expect(specVariable("compute-1.lab")).toBe("LABCDK_NODE_COMPUTE_1_LAB");
    const stack = new TerraformStack(Testing.app(), "s");
    const enrollment = new NodeEnrollment(stack, "Nodes", { ...settings, nodes: [node(stack, "a"), node(stack, "b-1", { properties: { cpus: 8 }, capabilities: { profile: "compute" } })] });
    const json = JSON.parse(Testing.synth(stack));
    const input = json.resource.terraform_data[enrollment.step.resource.friendlyUniqueId].input;
    expect(JSON.parse(input.LABCDK_NODE_B_1)).toEqual({
      name: "b-1",
      driver: "fake-hardware",
      driver_info: { deploy_kernel: "k", deploy_ramdisk: "r" },
      password_fields: [],
      properties: { cpus: 8 },
      capabilities: { profile: "compute" },
      fields: {},
      extra: {},
      ports: [{ address: "52:54:00:00:00:01" }],
    });
    expect(JSON.parse(input.CREATE_DEFAULTS)).toEqual({ resource_class: "baremetal", physical_network: "ctlplane" });
    expect(JSON.parse(input.LABCDK_NODE_A).name).toBe("a");
  });

  test("refuses two nodes whose names read the same as variables, naming both", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const nodes = [node(stack, "compute-1"), node(stack, "compute_1")];
    expect(() => new NodeEnrollment(stack, "Nodes", { ...settings, nodes })).toThrow(
      'node enrollment "s/Nodes": nodes "compute-1" and "compute_1" both map to LABCDK_NODE_COMPUTE_1 (and to one LABCDK_BMC_PASSWORD_ variable): rename one',
    );
  });

  test("refuses a fleet whose entries would not fit in a script's environment, at synth instead of at apply", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    // ~1 KiB per entry: 1,100 of them pass 1 MiB.
    const interfaces = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`vendor_interface_${i}`, "x".repeat(10)]));
    const nodes = Array.from({ length: 1100 }, (_, i) => node(stack, `n${i}`, { fields: interfaces }));
    expect(() => new NodeEnrollment(stack, "Nodes", { ...settings, nodes })).toThrow(/1100 nodes need \d+ bytes of environment, more than the 1048576 a script is given: split the node file into labs/);
  });

  test("refuses an empty fleet", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => new NodeEnrollment(stack, "Nodes", { ...settings, nodes: [] })).toThrow('node enrollment "s/Nodes": needs at least one node');
  });
});
