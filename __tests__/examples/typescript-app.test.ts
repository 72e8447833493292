// examples/typescript-app builds the classroom lab from labcdk's constructs
// (imported from "labcdk": index.ts here, through tsconfig paths and jest's
// moduleNameMapper) without a lab file; it must mean the same lab as
// labs/classroom/lab.yaml.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { ClassroomOvercloud, ClassroomUndercloud } from "../../examples/typescript-app/classroom";
import { projectRoot } from "../../lab/project-root";
import { CLASSROOM_LAB, stepNamed, synthLabToDisk } from "../helpers/synth";

const EXAMPLE = path.join(projectRoot(), "examples", "typescript-app");

/** The example's two stacks, synthesized into a fresh cdktf.out as its main.ts does; returns the folder. */
function synthExample(): string {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-example-")), "cdktf.out");
  const app = new App({ outdir, stackTraces: false });
  new ClassroomUndercloud(app, "lab-undercloud", { nodeFile: path.join(EXAMPLE, "instackenv-onenode.json") });
  new ClassroomOvercloud(app, "lab-overcloud");
  app.synth();
  return outdir;
}

const stackJson = (outdir: string, stack: string): string => fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");

describe("examples/typescript-app: the classroom lab from constructs", () => {
  // GIVEN the example app and the YAML-built classroom lab, both synthesized
  const example = synthExample();
  const yaml = synthLabToDisk(CLASSROOM_LAB);

  test("writes the two stacks the lab file does", () => {
    // THEN the same stack folders
    expect(fs.readdirSync(path.join(example, "stacks")).sort()).toEqual(fs.readdirSync(path.join(yaml, "stacks")).sort());
    expect(fs.readdirSync(path.join(example, "stacks")).sort()).toEqual(["lab-overcloud", "lab-undercloud"]);
  });

  test("the overcloud stack is byte-identical to the lab file's", () => {
    expect(stackJson(example, "lab-overcloud")).toBe(stackJson(yaml, "lab-overcloud"));
  });

  test("the undercloud stack differs only in NODE_FILE, the path of the example's own copy of the node file", () => {
    // WHEN the example's node file path is put where the lab's is
    const fromExample = stackJson(example, "lab-undercloud");
    const fromYaml = stackJson(yaml, "lab-undercloud");
    const exampleEnroll = stepNamed(JSON.parse(fromExample), "Nodes_Enroll");
    const yamlEnroll = stepNamed(JSON.parse(fromYaml), "Nodes_Enroll");
    // THEN: relative to the folder the app runs in (here the repository's), each its own file
    expect(exampleEnroll.input.NODE_FILE).toBe("examples/typescript-app/instackenv-onenode.json");
    expect(yamlEnroll.input.NODE_FILE).toBe("labs/classroom/instackenv-onenode.json");
    // and the two files are the same nodes
    expect(fs.readFileSync(path.join(EXAMPLE, "instackenv-onenode.json"), "utf8")).toBe(fs.readFileSync(path.join(path.dirname(CLASSROOM_LAB), "instackenv-onenode.json"), "utf8"));
    // and nothing else differs (NODE_FILE is in the step's input and its local-exec environment)
    const nodeFileLine = /"NODE_FILE": "examples\/typescript-app\/instackenv-onenode\.json"/g;
    expect(fromExample.match(nodeFileLine)).toHaveLength(2);
    expect(fromExample.replace(nodeFileLine, '"NODE_FILE": "labs/classroom/instackenv-onenode.json"')).toBe(fromYaml);
  });

  test("the scripts travel with the undercloud stack as they do from the lab file", () => {
    const assets = (outdir: string) => fs.readdirSync(path.join(outdir, "stacks", "lab-undercloud", "assets", "Scripts"));
    expect(assets(example)).toEqual(assets(yaml));
  });
});
