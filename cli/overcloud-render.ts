/**
 * `labcdk overcloud render`: what the undercloud stack will run for the
 * overcloud, as a reviewer or an operator reads it — the drains, the node
 * delete and the deploy, in order, with the files they read. Nothing runs.
 */
import { quote } from "shell-quote";
import { LabModel } from "../lab/model";
import { RenderedCommands } from "../lab/overcloud-dialects";

function commandLines(rendered: RenderedCommands): string[] {
  const lines: string[] = [];
  for (const [name, content] of Object.entries(rendered.files)) {
    lines.push(`# file ${name}:`, ...content.trimEnd().split("\n").map((line) => `#   ${line}`));
  }
  lines.push(...rendered.commands.map((args) => quote(["openstack", ...args])));
  return lines;
}

/** The overcloud steps of a lab as readable text (shell comments and quoted commands), in the order the undercloud stack runs them. */
export function renderOvercloudSteps(model: LabModel): { text: string; files: Record<string, string> } {
  const overcloud = model.overcloud;
  const lines = [`# lab "${model.name}": overcloud stack ${overcloud.stackName}, dialect ${overcloud.dialect}, run in ${overcloud.workDir}`];
  if (!overcloud.run) {
    lines.push("# overcloud.deploy is false: this lab runs no overcloud command");
    return { text: lines.join("\n") + "\n", files: {} };
  }
  const { scaleIn, deploy } = overcloud.run;
  let step = 1;
  for (const drain of scaleIn?.drains ?? []) {
    lines.push("", `# ${step++}. drain ${drain.computeHost} (scripts/drain-compute.sh): disable it, ${drain.migrationKind}-migrate its instances to ${drain.remainingHosts.join(", ")}`);
  }
  const files: Record<string, string> = {};
  if (scaleIn) {
    lines.push("", `# ${step++}. scale-in (scripts/overcloud-node-delete.sh): ${scaleIn.removed.map((n) => n.hostname).join(", ")} leave`, ...commandLines(scaleIn.nodeDelete));
    Object.assign(files, scaleIn.nodeDelete.files);
  }
  lines.push("", `# ${step}. deploy (scripts/overcloud-deploy.sh)`, ...commandLines(deploy.rendered));
  Object.assign(files, deploy.rendered.files);
  for (const warning of deploy.rendered.warnings) lines.push(`# warning: ${warning}`);
  return { text: lines.join("\n") + "\n", files };
}
