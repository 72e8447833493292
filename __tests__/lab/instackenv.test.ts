import * as fs from "node:fs";
import * as path from "node:path";
import { loadNodeFile, parseCapabilities } from "../../lab";
import { writeFiles } from "../helpers/files";
import { problemsOfRefused } from "../helpers/problems";

function nodeFile(nodes: unknown[]): string {
  return path.join(writeFiles({ "nodes.json": JSON.stringify({ nodes }) }), "nodes.json");
}

const valid = { name: "compute2", pm_type: "ipmi", pm_addr: "192.168.1.113", pm_user: "admin", pm_password: "hunter2-bmc", mac: ["52:54:00:00:fa:0d"] };

describe("node file", () => {
  test("the later TripleO form: ports, capabilities string, profile, interfaces", () => {
    const [node] = loadNodeFile(
      nodeFile([
        {
          name: "r1",
          pm_type: "redfish",
          pm_addr: "10.0.0.5",
          pm_user: "root",
          pm_password: "x",
          pm_system_id: "/redfish/v1/Systems/1",
          ports: [{ address: "52:54:00:AA:BB:CC", physical_network: "ctlplane" }],
          capabilities: "boot_option:local",
          profile: "compute",
          boot_interface: "ipxe",
          cpu: 4,
        },
      ]),
    );
    expect(node).toMatchObject({
      driver: "redfish",
      bmcSystemId: "/redfish/v1/Systems/1",
      macs: ["52:54:00:aa:bb:cc"],
      capabilities: { boot_option: "local", profile: "compute" },
      interfaces: { boot_interface: "ipxe" },
      cpus: 4,
    });
    expect(node.classicDriver).toBeUndefined();
  });

  test("a bad MAC names file, node, field and value", () => {
    const file = nodeFile([{ ...valid, mac: ["52:54:00:00:fa"] }]);
    expect(problemsOfRefused(loadNodeFile, file)).toEqual([`${file}:1:126: node "compute2": mac.0: is not a MAC address (expected six hex pairs such as 52:54:00:00:fa:0d) (got "52:54:00:00:fa")`]);
  });

  test("duplicate names, MACs and BMCs across nodes are all reported, once each", () => {
    const file = nodeFile([valid, { ...valid }]);
    const problems = problemsOfRefused(loadNodeFile, file);
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toContain('name: duplicates node #1 (got "compute2")');
    expect(problems.join("\n")).toContain('mac.0: is also used by node #1 "compute2"');
    expect(problems.join("\n")).toContain("pm_addr: the same BMC");
  });

  test("an unknown field and an unknown driver are refused; the password is never echoed", () => {
    const file = nodeFile([{ ...valid, pm_type: "pxe_magic", pm_pasword: "typo-secret" }]);
    const problems = problemsOfRefused(loadNodeFile, file).join("\n");
    expect(problems).toContain("pm_pasword: is not a known node field");
    expect(problems).not.toContain("typo-secret");
    expect(problems).not.toContain("hunter2-bmc");
  });

  test("a driver's required BMC fields are checked without showing the password", () => {
    const file = nodeFile([{ name: "n1", pm_type: "pxe_ipmitool", mac: ["52:54:00:00:00:01"] }]);
    const problems = problemsOfRefused(loadNodeFile, file);
    expect(problems).toEqual([
      `${file}:1:11: node "n1": pm_addr: is required for driver ipmi`,
      `${file}:1:11: node "n1": pm_user: is required for driver ipmi`,
      `${file}:1:11: node "n1": pm_password: is required for driver ipmi`,
    ]);
  });

  describe('"bmc_passwords": "apply-time" (the node files labcdk import writes)', () => {
    const { pm_password: _password, ...withoutPassword } = valid;
    const file = (content: unknown) => path.join(writeFiles({ "nodes.json": JSON.stringify(content) }), "nodes.json");

    test("GIVEN the marker THEN a BMC node loads without pm_password", () => {
      expect(loadNodeFile(file({ bmc_passwords: "apply-time", nodes: [withoutPassword] })).map((n) => n.name)).toEqual(["compute2"]);
    });

    test("GIVEN no marker THEN pm_password is still required", () => {
      expect(problemsOfRefused(loadNodeFile, file({ nodes: [withoutPassword] }))).toEqual([expect.stringContaining('node "compute2": pm_password: is required for driver ipmi')]);
    });

    test("GIVEN the marker and a password in the file THEN refused, without showing the password; another marker value is refused", () => {
      const problems = problemsOfRefused(loadNodeFile, file({ bmc_passwords: "apply-time", nodes: [valid] }));
      expect(problems).toEqual([expect.stringContaining('node "compute2": pm_password: the file says "bmc_passwords": "apply-time": remove the password, or the marker')]);
      expect(problems.join("\n")).not.toContain("hunter2-bmc");
      expect(problemsOfRefused(loadNodeFile, file({ bmc_passwords: "in-the-file", nodes: [withoutPassword] }))).toEqual([
        expect.stringContaining('bmc_passwords: must be "apply-time" (the passwords are not in this file) or left out (got "in-the-file")'),
        expect.stringContaining("pm_password: is required for driver ipmi"),
      ]);
    });
  });

  test("names outside the safe set are refused (they become Terraform addresses and shell values)", () => {
    const file = nodeFile([{ ...valid, name: "compute 2;rm" }]);
    expect(problemsOfRefused(loadNodeFile, file)[0]).toContain('node "compute 2;rm": name: must start with a letter or digit');
  });

  test("GIVEN the shared capability strings (the scripts' parser reads them too) WHEN parsed THEN well-formed ones read as the table says, malformed ones are refused", () => {
    const table: { wellFormed: { text: string; capabilities: Record<string, string> }[]; malformed: { text: string }[] } = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "fixtures", "capabilities.json"), "utf8"),
    );
    expect(table.wellFormed.length).toBeGreaterThan(3);
    expect(table.malformed.length).toBeGreaterThan(3);
    for (const { text, capabilities } of table.wellFormed) expect({ text, parsed: parseCapabilities(text) }).toEqual({ text, parsed: capabilities });
    for (const { text } of table.malformed) expect({ text, parsed: parseCapabilities(text) }).toEqual({ text, parsed: undefined });
  });
});
