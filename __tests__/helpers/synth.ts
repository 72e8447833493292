import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { Lab, loadLab, resolveLab } from "../../lab";
import { projectRoot } from "../../lab/project-root";
import { OvercloudStack } from "../../stacks/overcloud-stack";
import { UndercloudStack } from "../../stacks/undercloud-stack";
import { labApp } from "../../stacks/lab-app";

export const CLASSROOM_LAB = path.join(projectRoot(), "labs", "classroom", "lab.yaml");
export const CLASSROOM_DEV_LAB = path.join(projectRoot(), "labs", "classroom-dev", "lab.yaml");
export const TESTBED_LAB = path.join(projectRoot(), "labs", "testbed", "lab.yaml");
/** A test-bed lab that creates its own network, subnet, router and flavor. */
export const CREATED_LAB = path.join(projectRoot(), "__tests__", "fixtures", "labs", "created", "lab.yaml");

/** The synthesized Terraform JSON of a stack, parsed (validations run, as a full synth does). */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack, true));
}

export interface LabStacks {
  readonly lab: Lab;
  readonly undercloud: UndercloudStack;
  readonly overcloud: OvercloudStack;
}

/** Both stacks of a lab in a test app. */
export function labStacks(labFile: string = CLASSROOM_LAB): LabStacks {
  const lab = loadLab(labFile);
  const model = resolveLab(lab);
  const app = Testing.app();
  return {
    lab,
    undercloud: new UndercloudStack(app, `${lab.name}-undercloud`, { model }),
    overcloud: new OvercloudStack(app, `${lab.name}-overcloud`, { model }),
  };
}

/**
 * Full synth of a lab into a fresh folder, as `cdktf synth` does; returns the
 * folder. It is `cdktf.out` inside a folder of its own, so the stacks' local
 * state (`terraform.<stack>.tfstate`, next to `cdktf.out`) is this run's
 * alone: a run killed half-way leaves nothing a later run would pick up.
 */
export function synthLabToDisk(labFile: string = CLASSROOM_LAB): string {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-synth-")), "cdktf.out");
  labApp(loadLab(labFile), { outdir }).app.synth();
  return outdir;
}

/** All resources of one type in synthesized JSON, keyed by logical id. */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/**
 * The one `terraform_data` step whose logical id starts with PREFIX, with its
 * address (`terraform_data.<id>`); fails when there is not exactly one.
 */
export function stepNamed(json: any, prefix: string): any {
  const found = Object.entries(resourcesOf(json, "terraform_data")).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one step ${prefix}*, found ${found.map(([id]) => id).join(", ") || "none"}`);
  return { address: `terraform_data.${found[0][0]}`, ...found[0][1] };
}

/** The single resource of a type; fails when there is not exactly one. */
export function onlyResource(json: any, type: string, kind: "resource" | "data" = "resource"): any {
  const all = Object.values(json[kind]?.[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${kind} ${type}, found ${all.length}`);
  return all[0];
}
