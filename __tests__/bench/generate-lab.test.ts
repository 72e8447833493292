/**
 * The benchmark's generated labs stay valid labs: a lab-file rule added later
 * (the tagged-node check) once broke `npm run bench` without any test noticing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { writeGeneratedLab } from "../../bench/generate-lab";
import { loadLab, resolveLab } from "../../lab";
import { OvercloudStack } from "../../stacks/overcloud-stack";
import { UndercloudStack } from "../../stacks/undercloud-stack";

test("the synth benchmark's generated lab loads and synthesizes: every node its steps, every instance its server", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bench-lab-"));
  const lab = loadLab(writeGeneratedLab(dir, 12, 3));
  expect(lab.nodes).toHaveLength(12);
  const app = Testing.app();
  const undercloud = JSON.parse(Testing.synth(new UndercloudStack(app, "u", { model: resolveLab(lab) })));
  const overcloud = JSON.parse(Testing.synth(new OvercloudStack(app, "o", { model: resolveLab(lab) })));
  // A registration per node, the fleet's enrolment with an entry per node, and the deploy.
  expect(Object.keys(undercloud.resource.terraform_data)).toHaveLength(12 + 2);
  const enroll = Object.entries(undercloud.resource.terraform_data).find(([id]) => id.startsWith("Nodes_Enroll_"))![1] as { input: Record<string, string> };
  expect(Object.keys(enroll.input).filter((k) => k.startsWith("LABCDK_NODE_"))).toHaveLength(12);
  // The fleet's two observations and the deploy's, whatever the number of nodes.
  expect(Object.keys(undercloud.resource.labcdk_observation)).toHaveLength(3);
  expect(Object.keys(overcloud.resource.openstack_compute_instance_v2)).toHaveLength(3);
});
