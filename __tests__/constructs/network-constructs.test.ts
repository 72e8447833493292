/**
 * The checks of TenantNetwork, LabRouter and TestInstance that a lab file
 * never reaches (the lab loader refuses the same mistakes first, naming the
 * field): they guard the constructs used on their own.
 */
import { TerraformStack, Testing } from "cdktf";
import { LabRouter } from "../../constructs/lab-router";
import { TenantNetwork } from "../../constructs/tenant-network";
import { TestInstance } from "../../constructs/test-instance";

function networks() {
  const stack = new TerraformStack(Testing.app(), "s");
  const privnet = new TenantNetwork(stack, "Priv", { name: "privnet", subnetName: "privsub", cidr: "192.168.1.0/24" });
  const pubnet = new TenantNetwork(stack, "Pub", { name: "pubnet", subnetName: "pubsub", cidr: "172.25.250.0/24", external: true });
  return { stack, privnet, pubnet };
}

const instance = { name: "vm", imageName: "small", flavorName: "m1", host: "c-0", cloud: "overcloud" };

describe("TenantNetwork", () => {
  test("GIVEN a created network whose cidr is no network WHEN made THEN it is refused, naming the cidr", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => new TenantNetwork(stack, "Net", { name: "n", subnetName: "s", cidr: "192.168.1.0/33", create: true })).toThrow('network "n": cidr 192.168.1.0/33 has a prefix /33; an IPv4 prefix is a number 0-32');
  });
});

describe("LabRouter", () => {
  test("GIVEN a gateway network that is not external WHEN a router is made THEN it is refused", () => {
    const { stack, privnet } = networks();
    expect(() => new LabRouter(stack, "Router", { name: "r", externalNetwork: privnet, interfaces: [privnet] })).toThrow('router "r": externalNetwork "privnet" is not an external network');
  });
});

describe("TestInstance", () => {
  test("GIVEN a floating IP address without a pool WHEN an instance is made THEN it is refused", () => {
    const { stack, privnet } = networks();
    expect(() => new TestInstance(stack, "Vm", { ...instance, network: privnet, floatingIpAddress: "172.25.250.51" })).toThrow(
      'instance "vm": floatingIpAddress 172.25.250.51 needs floatingIpPool (the external network it belongs to)',
    );
  });

  test("GIVEN a floating IP pool that is not external WHEN an instance is made THEN it is refused", () => {
    const { stack, privnet } = networks();
    expect(() => new TestInstance(stack, "Vm", { ...instance, network: privnet, floatingIpPool: privnet })).toThrow('instance "vm": floatingIpPool "privnet" is not an external network');
  });

  test("GIVEN an external pool WHEN an instance is made THEN it is accepted (the check can pass)", () => {
    const { stack, privnet, pubnet } = networks();
    expect(new TestInstance(stack, "Vm", { ...instance, network: privnet, floatingIpPool: pubnet }).floatingIp).toBeDefined();
  });
});
