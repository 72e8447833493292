/**
 * `labcdk`: the commands that are not Terraform's.
 *   labcdk lab validate [FILE]     check a lab file (and its node file)
 *   labcdk nodes validate FILE     check a node file (instackenv JSON)
 * Exit 0 when valid; 1 with every problem listed otherwise.
 */
import { Command } from "commander";
import { LabInputError, labFileFromEnvironment, loadLab, readNodeFile } from "../lab";

function report(run: () => string): void {
  try {
    console.log(run());
  } catch (error) {
    if (!(error instanceof LabInputError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

export function cli(): Command {
  const program = new Command("labcdk").description("OpenStack labs as code: the commands beside cdktf synth/plan/apply").showHelpAfterError();

  const lab = program.command("lab").description("lab files");
  lab
    .command("validate")
    .argument("[file]", "lab file (default: $LAB_CONFIG, else the built-in classroom lab)")
    .description("check a lab file and its node file, before anything touches a cloud")
    .action((file?: string) =>
      report(() => {
        const loaded = loadLab(file ?? labFileFromEnvironment());
        return `${loaded.file}: valid (lab "${loaded.name}", ${loaded.nodes.length} node(s), ${Object.keys(loaded.instances).length} instance(s))`;
      }),
    );

  const nodes = program.command("nodes").description("bare-metal node files");
  nodes
    .command("validate")
    .argument("<file>", "instackenv-style JSON")
    .description("check a node file; lists every problem (the BMC password is never shown)")
    .action((file: string) =>
      report(() => {
        const { nodes: loaded, warnings } = readNodeFile(file);
        return [`${file}: valid (${loaded.length} node(s))`, ...warnings.map((w) => `  warning: ${w}`)].join("\n");
      }),
    );
  return program;
}

if (require.main === module) {
  cli().parse();
}
