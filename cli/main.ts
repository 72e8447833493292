/**
 * `labcdk`: the commands that are not Terraform's (`labcdk --help`; each
 * command's `--help` has its details). Every command that reads a lab takes
 * `--lab FILE` (default: $LAB_CONFIG, else the built-in classroom lab).
 * Exit codes are the same for every command: cli/exit-codes.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import type { ReachabilityCheck } from "../lab/schema";
import { internalError, LabInputError } from "../lab/errors";
import { projectRoot } from "../lab/project-root";
import { EXIT, EXIT_CODE_HELP } from "./exit-codes";

// Each command loads what it needs when it runs (`await import`), so that
// `labcdk verify --help` loads commander and nothing of zod or yaml, and
// `plan-summary` nothing of the lab file's schema (bench/RESULTS.md, "CLI start-up").

/** The lab file's loading and resolution (zod, yaml, ipaddr.js), for the commands that read a lab. */
async function labModules() {
  await import("./zod-one-shot");
  const [{ labFileFromEnvironment, loadLab }, { resolveLab }] = await Promise.all([import("../lab/load"), import("../lab/model")]);
  return { labFileFromEnvironment, loadLab, resolveLab };
}

const LAB_OPTION_HELP = "lab file (default: $LAB_CONFIG, else the built-in classroom lab)";

/** The lab file a command reads: --lab, else $LAB_CONFIG (named as the origin in messages), else the built-in lab. */
function labFileOf(option: string | undefined, labFileFromEnvironment: () => string): { file: string; origin?: string } {
  if (option !== undefined) return { file: option };
  return process.env.LAB_CONFIG ? { file: labFileFromEnvironment(), origin: "LAB_CONFIG" } : { file: labFileFromEnvironment() };
}

/** labcdk's version, from its package.json. */
function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** `NAME=PATH`, or a path whose folder is cdktf.out/stacks/NAME, or else the file's base name. */
function stackPlanArgument(argument: string): { stack: string; file: string } {
  const eq = argument.indexOf("=");
  if (eq > 0) return { stack: argument.slice(0, eq), file: argument.slice(eq + 1) };
  const dir = path.basename(path.dirname(path.resolve(argument)));
  const inStacks = path.basename(path.dirname(path.dirname(path.resolve(argument)))) === "stacks";
  return { stack: inStacks ? dir : path.basename(argument).replace(/\.json$/, ""), file: argument };
}

function report(run: () => string): void {
  try {
    console.log(run());
  } catch (error) {
    if (!(error instanceof LabInputError)) throw error;
    console.error(error.message);
    process.exitCode = EXIT.refused;
  }
}

export function cli(): Command {
  const program = new Command("labcdk")
    .description("OpenStack labs as code: the commands beside cdktf synth/plan/apply")
    .version(`labcdk ${version()}`, "-V, --version", "print labcdk's version")
    .showHelpAfterError("(labcdk --help lists the commands; labcdk COMMAND --help explains one)")
    .addHelpText("after", `\n${EXIT_CODE_HELP}`)
    // One line per command: its name (a group with its one subcommand: "lab validate"); the details are under COMMAND --help.
    .configureHelp({ subcommandTerm: (command) => [command.name(), ...command.commands.map((sub) => sub.name())].join(" ") });

  const lab = program.command("lab").description("check a lab file and its node file");
  lab
    .command("validate")
    .argument("[file]", "lab file (the same as --lab)")
    .option("--lab <file>", LAB_OPTION_HELP)
    .summary("check a lab file and its node file")
    .description("check a lab file and its node file, before anything touches a cloud: every problem at once, each with its file, line and field")
    .action(async (file: string | undefined, options: { lab?: string }) => {
      if (file !== undefined && options.lab !== undefined && file !== options.lab) {
        console.error(`labcdk lab validate: two lab files given (${file} and --lab ${options.lab}); give one`);
        process.exitCode = EXIT.refused;
        return;
      }
      const { labFileFromEnvironment, loadLab } = await labModules();
      const { file: labFile, origin } = labFileOf(file ?? options.lab, labFileFromEnvironment);
      report(() => {
        const loaded = loadLab(labFile, origin);
        return `${loaded.file}: valid (lab "${loaded.name}", ${loaded.nodes.length} node(s), ${Object.keys(loaded.instances).length} instance(s))`;
      });
    });

  program
    .command("overcloud")
    .description("print the overcloud commands the undercloud stack runs")
    .command("render")
    .option("--lab <file>", LAB_OPTION_HELP)
    .option("--out <dir>", "also write the generated files (labcdk-parameters.yaml, baremetal_deployment.yaml) there")
    .summary("print the overcloud commands the undercloud stack runs")
    .description("print the drains, the node delete and the deploy the undercloud stack runs, in the lab's dialect, with the files they read; nothing runs")
    .action(async (options: { lab?: string; out?: string }) => {
      const { labFileFromEnvironment, loadLab, resolveLab } = await labModules();
      const { renderOvercloudSteps } = await import("./overcloud-render");
      report(() => {
        const { file, origin } = labFileOf(options.lab, labFileFromEnvironment);
        const { text, files } = renderOvercloudSteps(resolveLab(loadLab(file, origin)));
        if (options.out) {
          fs.mkdirSync(options.out, { recursive: true });
          for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(options.out, name), content);
        }
        return text.trimEnd();
      });
    });

  const nodes = program.command("nodes").description("check a node file (instackenv JSON)");
  nodes
    .command("validate")
    .argument("<file>", "instackenv-style JSON")
    .summary("check a node file (instackenv JSON)")
    .description("check a node file; lists every problem, each with its file, line, node and field (the BMC password is never shown)")
    .action(async (file: string) => {
      await import("./zod-one-shot");
      const { readNodeFile } = await import("../lab/instackenv");
      report(() => {
        const { nodes: loaded, warnings } = readNodeFile(file);
        return [`${file}: valid (${loaded.length} node(s))`, ...warnings.map((w) => `  warning: ${w}`)].join("\n");
      });
    });
  program
    .command("plan-summary")
    .argument("<plans...>", "`tofu show -json PLAN` output per stack: FILE or STACK=FILE")
    .option("-o, --output <file>", "also write the Markdown to this file")
    .summary("Markdown for a pull-request comment from saved plans")
    .description("Markdown for a pull-request comment: per stack, resources to add/change/replace/destroy and the lab steps that will run, destructive changes first. Exit 3 when something is destroyed or replaced (the summary is written all the same)")
    .action(async (plans: string[], options: { output?: string }) => {
      await import("./zod-one-shot");
      const { readPlanJson, summarizePlans } = await import("./plan-summary");
      const stackPlans = [];
      for (const argument of plans) {
        const { stack, file } = stackPlanArgument(argument);
        let plan: ReturnType<typeof readPlanJson>;
        try {
          plan = readPlanJson(file);
        } catch (error) {
          if (!(error instanceof LabInputError)) throw error;
          console.error(error.message);
          process.exitCode = EXIT.refused;
          return;
        }
        stackPlans.push({ stack, plan });
      }
      const summary = summarizePlans(stackPlans);
      process.stdout.write(summary.markdown);
      if (options.output) fs.writeFileSync(options.output, summary.markdown);
      process.exitCode = summary.destructive ? EXIT.destructive : EXIT.ok;
    });
  program
    .command("verify")
    .option("--lab <file>", LAB_OPTION_HELP)
    .option("--json", "the checks and the observed state as JSON")
    .option("--timeout <seconds>", "bound of the whole observation", "60")
    .summary("check the clouds against the lab file (read-only)")
    .description(
      "the runbook's verification steps, read-only: Ironic nodes (state, maintenance, capabilities, properties), compute services and hypervisors, " +
        "the overcloud Heat stack, instances (ACTIVE, host, floating IP) and their migrations, compared with the lab file. " +
        "Clouds from clouds.yaml (OS_CLIENT_CONFIG_FILE). Exit 1: differences, each named",
    )
    .action(async (options: { lab?: string; json?: boolean; timeout: string }) => {
      const timeoutSeconds = Number(options.timeout);
      if (!(timeoutSeconds > 0)) {
        console.error(`labcdk verify: --timeout: must be a positive number of seconds (got ${JSON.stringify(options.timeout)})`);
        process.exitCode = EXIT.refused;
        return;
      }
      const { labFileFromEnvironment, loadLab, resolveLab } = await labModules();
      const { compareLab, exitCodeOf, formatTable, observe, ObserveError } = await import("./verify");
      try {
        const { file, origin } = labFileOf(options.lab, labFileFromEnvironment);
        const loaded = loadLab(file, origin);
        const expected = resolveLab(loaded).expected;
        const observed = observe(expected, { timeoutSeconds });
        const checks = compareLab(expected, observed);
        const exitCode = exitCodeOf(checks);
        if (options.json) {
          const differences = checks.filter((c) => c.result === "DIFF").length;
          console.log(JSON.stringify({ lab: loaded.name, file: loaded.file, ok: exitCode === 0, differences, checks, observed }, null, 2));
        } else {
          console.log(`lab "${loaded.name}" (${loaded.file}), observed ${observed.observedAt}\n`);
          console.log(formatTable(checks));
        }
        process.exitCode = exitCode;
      } catch (error) {
        if (!(error instanceof LabInputError) && !(error instanceof ObserveError)) throw error;
        console.error(error instanceof ObserveError ? `labcdk verify: could not observe: ${error.message}` : error.message);
        process.exitCode = error instanceof ObserveError ? EXIT.cloud : EXIT.refused;
      }
    });
  program
    .command("settle")
    .option("--lab <file>", LAB_OPTION_HELP)
    .option("--timeout <seconds>", "bound of each instance's wait", "900")
    .summary("finish the migrations an interrupted apply left under way")
    .description(
      "finish the migrations an interrupted apply left under way, so the next plan can read the instances: a VERIFY_RESIZE on the host the lab wants is confirmed, " +
        "one elsewhere reverted, a move in flight waited for. Starts no migration (the apply does). Clouds from clouds.yaml. Exit 1: an instance could not be settled",
    )
    .action(async (options: { lab?: string; timeout: string }) => {
      const timeoutSeconds = Number(options.timeout);
      if (!(timeoutSeconds > 0)) {
        console.error(`labcdk settle: --timeout: must be a positive number of seconds (got ${JSON.stringify(options.timeout)})`);
        process.exitCode = EXIT.refused;
        return;
      }
      const { labFileFromEnvironment, loadLab, resolveLab } = await labModules();
      const { settleLab, SettleError } = await import("./settle");
      const { file, origin } = labFileOf(options.lab, labFileFromEnvironment);
      let results;
      try {
        results = settleLab(resolveLab(loadLab(file, origin)), { timeoutSeconds });
      } catch (error) {
        if (error instanceof LabInputError) {
          console.error(error.message);
          process.exitCode = EXIT.refused;
          return;
        }
        if (!(error instanceof SettleError)) throw error;
        console.error(`labcdk settle: ${error.message}`);
        process.exitCode = error.cloud ? EXIT.cloud : EXIT.refused;
        return;
      }
      const failed = results.filter((r) => !r.ok).map((r) => r.instance);
      if (failed.length > 0) {
        console.error(`labcdk settle: not settled: ${failed.join(", ")} (see above); then apply`);
        process.exitCode = EXIT.refused;
      }
    });
  program
    .command("import")
    .requiredOption("--lab-name <name>", "name of the new lab (prefix of its stacks)")
    .option("--out <dir>", "folder to write lab.yaml, nodes.json and bmc-passwords.template.json to (default: ./NAME); must not hold a lab.yaml")
    .option("--instances <names...>", "Nova servers to adopt (default: every server of the project)")
    .option("--nodes <names...>", "Ironic nodes to adopt (default: every node)")
    .option("--undercloud <cloud>", "clouds.yaml entry of the undercloud", "undercloud")
    .option("--overcloud <cloud>", "clouds.yaml entry of the overcloud", "overcloud")
    .option("--reachability-check <check>", "the instances' reachabilityCheck, as a lab file has it", "ping")
    .option("--timeout <seconds>", "bound of the whole read", "120")
    .summary("write a lab directory from a running lab, to adopt it")
    .description(
      "write a lab directory from a running lab, so the first plan adopts it (imports) instead of creating it: lab.yaml with adopt: ids, nodes.json (no password: " +
        "\"bmc_passwords\": \"apply-time\") and bmc-passwords.template.json. Reads the clouds of clouds.yaml read-only (OS_CLIENT_CONFIG_FILE). " +
        "Whatever is left out is named on stderr with the reason. Exit 1 also when the written lab does not validate",
    )
    .action(async (options: { labName: string; out?: string; instances?: string[]; nodes?: string[]; undercloud: string; overcloud: string; reachabilityCheck: string; timeout: string }) => {
      const fail = (message: string, code: number) => {
        console.error(`labcdk import: ${message}`);
        process.exitCode = code;
      };
      const { loadLab } = await labModules();
      const { LabSchema } = await import("../lab/schema");
      const { ImportError, labFromInventory, REACHABILITY_CHOICES, readInventory, writeImport } = await import("./import");
      const { ObserveError } = await import("./verify");
      if (!LabSchema.shape.name.safeParse(options.labName).success) return fail(`--lab-name: must be lower-case letters, digits and '-', starting with a letter, at most 31 (got ${JSON.stringify(options.labName)})`, EXIT.refused);
      if (!REACHABILITY_CHOICES.includes(options.reachabilityCheck)) return fail(`--reachability-check: must be one of ${REACHABILITY_CHOICES.join(", ")} (got ${JSON.stringify(options.reachabilityCheck)})`, EXIT.refused);
      const timeoutSeconds = Number(options.timeout);
      if (!(timeoutSeconds > 0)) return fail(`--timeout: must be a positive number of seconds (got ${JSON.stringify(options.timeout)})`, EXIT.refused);
      const clouds = { undercloud: options.undercloud, overcloud: options.overcloud };
      let inventory;
      try {
        inventory = readInventory({ clouds, nodes: options.nodes, instances: options.instances, timeoutSeconds });
      } catch (error) {
        if (!(error instanceof ObserveError)) throw error;
        return fail(`could not read the clouds: ${error.message}`, EXIT.cloud);
      }
      const result = labFromInventory(inventory, { labName: options.labName, clouds, reachabilityCheck: options.reachabilityCheck as ReachabilityCheck });
      const dir = path.resolve(options.out ?? options.labName);
      let written: string[];
      try {
        written = writeImport(dir, result);
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        return fail(error.message, EXIT.refused);
      }
      for (const line of result.notAdopted) console.error(`labcdk import: ${line}`);
      for (const line of result.firstApply) console.error(`labcdk import: first apply: ${line}`);
      try {
        const loaded = loadLab(written[0]);
        const adopted = Object.keys(loaded.instances).length;
        console.log(
          `${dir}: lab "${loaded.name}" written (${written.map((f) => path.basename(f)).join(", ")}): ${loaded.nodes.length} registered node(s), ` +
            `${Object.keys(loaded.baremetal.existingNodes).length} existing node(s), ${adopted} instance(s) adopted; ` +
            `${result.notAdopted.length} thing(s) not adopted${result.notAdopted.length ? " (named above)" : ""}. Next: ./labcdk lab validate --lab ${written[0]}; LAB_CONFIG=${written[0]} npx cdktf synth; plan`,
        );
      } catch (error) {
        if (!(error instanceof LabInputError)) throw error;
        return fail(`the written lab does not validate (files kept in ${dir} to look at):\n${error.message}`, EXIT.refused);
      }
    });
  return program;
}

/**
 * Runs the CLI. Bad input ends in its one-line error (exit 1); anything else
 * thrown is a bug in labcdk and says so in one line (exit 70), with the
 * stack only when LABCDK_DEBUG is set.
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await cli().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof LabInputError) {
      console.error(error.message);
      process.exitCode = EXIT.refused;
    } else {
      console.error(internalError(error));
      process.exitCode = EXIT.bug;
    }
  }
}

if (require.main === module) {
  void main();
}
