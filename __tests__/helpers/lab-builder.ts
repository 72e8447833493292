/**
 * Variants of a lab for tests, built on the lab file's own types instead of
 * string edits of its YAML: a test states the change as code the type
 * checker reads (`lab.overcloud.deployTimeoutMinutes = 120`), so a renamed
 * field fails to compile instead of leaving a search string that no longer
 * matches.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { LabSchema, NodeFileEntry } from "../../lab";
import { writeFiles } from "./files";

/** A lab as its file holds it (fields with a default may be left out). */
export type LabDocument = z.input<typeof LabSchema>;

export interface LabChanges {
  /** Changes the lab document in place. */
  readonly lab?: (lab: LabDocument) => void;
  /** Changes each entry of the lab's node file in place. */
  readonly node?: (node: NodeFileEntry) => void;
}

/**
 * The lab file `base` with `changes` applied, written with (a copy of) its
 * node file into a fresh folder; returns the new lab file. (A change that
 * points `baremetal.nodeFile` elsewhere gets no copy: the lab reads that file.) What is written is
 * loaded by the tests as any lab is, so it is checked as any lab is. The
 * changes given must change something (a test of "no difference" would pass
 * for the wrong reason otherwise).
 */
export function labWith(base: string, changes: LabChanges): string {
  const text = fs.readFileSync(base, "utf8");
  const lab: LabDocument = parse(text);
  const nodeFile = lab.baremetal.nodeFile;
  const nodeText = fs.readFileSync(path.resolve(path.dirname(base), nodeFile), "utf8");
  const nodes: { nodes: NodeFileEntry[] } = JSON.parse(nodeText);
  const before = JSON.stringify({ lab, nodes });
  changes.lab?.(lab);
  if (changes.node) nodes.nodes.forEach(changes.node);
  if (JSON.stringify({ lab, nodes }) === before) throw new Error("labWith: the changes changed nothing");
  // The node file goes next to the lab file, unless the change pointed the lab at another one.
  const files: Record<string, string> = {};
  if (lab.baremetal.nodeFile === nodeFile) {
    lab.baremetal.nodeFile = path.basename(nodeFile);
    files[lab.baremetal.nodeFile] = JSON.stringify(nodes, null, 2);
  }
  return path.join(writeFiles({ ...files, "lab.yaml": stringify(lab) }), "lab.yaml");
}
