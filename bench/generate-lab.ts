/** Generated labs for the benchmarks and the many-node tests. */

/** A lab with N nodes and M instances, for the synth benchmark. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

export function writeGeneratedLab(dir: string, nodeCount: number, instanceCount: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({
    name: `node${String(i).padStart(4, "0")}`,
    pm_type: "ipmi",
    pm_addr: `192.168.${Math.floor(i / 250) + 10}.${(i % 250) + 1}`,
    pm_user: "admin",
    pm_password: "bench-password",
    mac: [`52:54:00:${hex(Math.floor(i / 65536) % 256)}:${hex(Math.floor(i / 256) % 256)}:${hex(i % 256)}`],
    cpu: "4",
    memory: "8192",
    disk: "40",
    arch: "x86_64",
  }));
  fs.writeFileSync(path.join(dir, "nodes.json"), JSON.stringify({ nodes }));
  const hosts = Array.from({ length: 10 }, (_, i) => `compute-${i}`);
  const lab = {
    name: `gen${nodeCount}`,
    baremetal: {
      nodeFile: "nodes.json",
      nodes: Object.fromEntries(nodes.map((n) => [n.name, { capabilities: { profile: "compute" } }])),
      // The controller is registered elsewhere, as in the runbook.
      existingNodes: { controller: { profile: "control" } },
    },
    overcloud: {
      templatesDir: "/home/stack/templates",
      roles: { Controller: { count: 1, flavor: "control", profile: "control" }, Compute: { count: nodeCount, flavor: "compute", profile: "compute" } },
      computeHosts: hosts,
    },
    networks: {
      privnet: { subnet: "privsub", cidr: "192.168.1.0/24" },
      pubnet: { subnet: "pubsub", cidr: "172.25.250.0/24", external: true },
    },
    instances: Object.fromEntries(
      Array.from({ length: instanceCount }, (_, i) => [
        `vm${String(i).padStart(3, "0")}`,
        { image: "small", flavor: "m2.small", network: "privnet", host: hosts[i % hosts.length], floatingIp: { pool: "pubnet" } },
      ]),
    ),
  };
  const file = path.join(dir, "lab.yaml");
  fs.writeFileSync(file, stringify(lab));
  return file;
}

/**
 * A test-bed lab with `count` fake-hardware nodes (<nodePrefix>00, 01, ...;
 * MACs 52:54:00:<macOctet>:00:<n>) and nothing else; returns the lab file's path.
 */
export function writeFleetLab(count: number, name = `fleet${count}`, nodePrefix = "fleet", macOctet = 0x10): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-fleet-"));
  const nodes = Array.from({ length: count }, (_, i) => ({
    name: `${nodePrefix}${String(i).padStart(2, "0")}`,
    pm_type: "fake-hardware",
    mac: [`52:54:00:${macOctet.toString(16).padStart(2, "0")}:00:${i.toString(16).padStart(2, "0")}`],
    // What the test bed's ramdisk stand-in reports for any node (testbed/hardware.json `default`).
    cpu: "2",
    memory: "6144",
    disk: "40",
    arch: "x86_64",
  }));
  fs.writeFileSync(path.join(dir, "nodes.json"), JSON.stringify({ nodes }, null, 1));
  const lab = {
    name,
    baremetal: {
      nodeFile: "nodes.json",
      introspectionTimeoutSeconds: 600,
      introspectionPollSeconds: 2,
      nodes: Object.fromEntries(nodes.map((n) => [n.name, { capabilities: { profile: "compute", boot_option: "local" } }])),
    },
    overcloud: {
      deploy: false,
      templatesDir: "/home/stack/templates",
      roles: { Compute: { count, flavor: "compute", profile: "compute" } },
      computeHosts: ["compute-0", "compute-1"],
    },
  };
  const file = path.join(dir, "lab.yaml");
  fs.writeFileSync(file, stringify(lab));
  return file;
}
