/**
 * `cdktn deploy` and `cdktn destroy` (CDK Terrain's CLI, docs/architecture.md, "CDK Terrain")
 * of a one-node lab's undercloud stack against the running test bed, inside
 * a network namespace with no route out (tools/offline-run.sh; only the test
 * bed's API ports bridged in): the node is enrolled, inspected and tagged as
 * the cdktf/tofu path enrols it, a second `cdktn diff` plans nothing, and
 * `cdktn destroy` unregisters it. cdktf-diff.test.ts covers `cdktn diff` of a
 * stack with no state; the other integration tests apply with tofu.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFleetLab } from "../../bench/generate-lab";
import { projectRoot } from "../../lab/project-root";
import { CDKTN_CLI, CDKTN_HOOK, cdktnVersion, describeWithCdktn } from "../helpers/cdktn";
import { describeOffline, offlineRun } from "../helpers/offline";
import { CLASSROOM_NODE_FOUND, describeWithTestbed, inspectedProperties, openstack, TESTBED_CLOUDS, testbedEnv } from "../helpers/testbed";
import { tofu, TOFU, TOFU_CONFIG } from "../helpers/tofu";

const LAB = "terrain";
const STACK = `${LAB}-undercloud`;
const NODE = `${LAB}00`;

describeWithCdktn(describeOffline(describeWithTestbed))("cdktn deploy and destroy against the test bed, without network", () => {
  // Its own node (MACs 52:54:00:30:…), so that it races no other test file for a node.
  const labFile = writeFleetLab(1, LAB, LAB, 0x30);
  const work = path.dirname(labFile); // the local state goes here (../../../ of the stack folder), never to the project
  const outdir = path.join(work, "cdktf.out");
  const stackDir = path.join(outdir, "stacks", STACK);

  /** CDK Terrain's CLI, as `npm run cdktn` runs it, offline; output and exit status. */
  const cdktn = (args: string[]) => {
    const result = offlineRun([path.join(projectRoot(), "tools", "lts"), CDKTN_CLI, ...args, STACK, "--no-color", "--output", outdir], {
      clouds: TESTBED_CLOUDS,
      cwd: projectRoot(),
      env: {
        ...testbedEnv,
        LAB_CONFIG: labFile,
        TERRAFORM_BINARY_NAME: TOFU,
        TF_CLI_CONFIG_FILE: TOFU_CONFIG,
        TF_PLUGIN_CACHE_DIR: "",
        DISABLE_VERSION_CHECK: "1",
        CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
        NPM_CONFIG_UPDATE_NOTIFIER: "false",
        NODE_OPTIONS: `--require ${CDKTN_HOOK}`,
      },
      timeoutSeconds: 600,
    });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  };
  const node = () => openstack("undercloud", ["baremetal", "node", "list", "--long"]).find((n: any) => n.Name === NODE);

  afterAll(() => {
    // Whatever happened above, the node does not stay on the test bed: tofu destroys what the state still holds.
    if (fs.existsSync(path.join(stackDir, ".terraform"))) tofu(stackDir, ["destroy", "-auto-approve", "-input=false", "-no-color"], testbedEnv);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("GIVEN a one-node lab WHEN `cdktn deploy` runs THEN the node is available, inspected and tagged, and cdktn synthesized the stack", () => {
    expect(node()).toBeUndefined();

    const result = cdktn(["deploy", "--auto-approve"]);

    expect({ status: result.status, output: result.status === 0 ? "" : result.output }).toEqual({ status: 0, output: "" });
    expect(result.output).toMatch(/Apply complete! Resources: [1-9]\d* added, 0 changed, 0 destroyed\./);
    const enrolled = node();
    expect(enrolled["Provisioning State"]).toBe("available");
    expect(enrolled["Inspection Finished At"]).toBeTruthy();
    expect(enrolled.Properties.capabilities).toBe("boot_option:local,cpu_aes:true,cpu_hugepages:true,profile:compute");
    expect(inspectedProperties(enrolled.Properties)).toEqual(CLASSROOM_NODE_FOUND);
    const stackJson = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as { "//": { metadata: { version: string } } };
    expect(stackJson["//"].metadata.version).toBe(cdktnVersion());
    expect(fs.existsSync(path.join(work, `terraform.${STACK}.tfstate`))).toBe(true);
  });

  test("WHEN `cdktn diff` runs after the deploy THEN it plans no change", () => {
    const result = cdktn(["diff"]);

    expect({ status: result.status, output: result.status === 0 ? "" : result.output }).toEqual({ status: 0, output: "" });
    expect(result.output).toContain("No changes.");
  });

  test("WHEN `cdktn destroy` runs THEN the node is unregistered", () => {
    const uuid = node().UUID;

    const result = cdktn(["destroy", "--auto-approve"]);

    expect({ status: result.status, output: result.status === 0 ? "" : result.output }).toEqual({ status: 0, output: "" });
    expect(result.output).toMatch(/Destroy complete! Resources: [1-9]\d* destroyed\./);
    expect(node()).toBeUndefined();
    expect(openstack("undercloud", ["baremetal", "node", "list"]).map((n: any) => n.UUID)).not.toContain(uuid);
  });
});
