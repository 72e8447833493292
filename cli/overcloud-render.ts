/**
 * `labcdk overcloud render`: what the undercloud stack will run for the
 * overcloud, as a reviewer or an operator reads it — the drains, the node
 * delete and the deploy, in order, with the files they read. Nothing runs.
 */
import { quote } from "shell-quote";
import { RenderedCommands, renderDeploy, renderNodeDelete } from "../constructs/overcloud-dialects";
import { Lab } from "../lab/load";

function commandLines(rendered: RenderedCommands): string[] {
  const lines: string[] = [];
  for (const [name, content] of Object.entries(rendered.files)) {
    lines.push(`# file ${name}:`, ...content.trimEnd().split("\n").map((line) => `#   ${line}`));
  }
  lines.push(...rendered.commands.map((args) => quote(["openstack", ...args])));
  return lines;
}

/** The overcloud steps of a lab as readable text (shell comments and quoted commands). */
export function renderOvercloudSteps(lab: Lab): { text: string; files: Record<string, string> } {
  const overcloud = lab.overcloud;
  const lines = [`# lab "${lab.name}": overcloud stack ${overcloud.stackName}, dialect ${overcloud.dialect}, run in ${overcloud.workDir}`];
  if (!overcloud.deploy) {
    lines.push("# overcloud.deploy is false: this lab runs no overcloud command");
    return { text: lines.join("\n") + "\n", files: {} };
  }
  const removed = Object.values(overcloud.roles).flatMap((role) => role.remove);
  const deploy = renderDeploy(overcloud);
  let step = 1;
  for (const node of removed.filter((n) => n.computeHost)) {
    lines.push("", `# ${step++}. drain ${node.computeHost} (scripts/drain-compute.sh): disable it, ${overcloud.drainMigrationKind}-migrate its instances to ${overcloud.computeHosts.join(", ")}`);
  }
  const files: Record<string, string> = {};
  if (removed.length > 0) {
    const nodeDelete = renderNodeDelete(overcloud);
    lines.push("", `# ${step++}. scale-in (scripts/overcloud-node-delete.sh): ${removed.map((n) => n.hostname).join(", ")} leave`, ...commandLines(nodeDelete));
    Object.assign(files, nodeDelete.files);
  }
  lines.push("", `# ${step}. deploy (scripts/overcloud-deploy.sh)`, ...commandLines(deploy));
  Object.assign(files, deploy.files);
  for (const warning of deploy.warnings) lines.push(`# warning: ${warning}`);
  return { text: lines.join("\n") + "\n", files };
}
