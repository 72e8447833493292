/**
 * Every kind of script step, declared once: its kind (`LABCDK_STEP`, a
 * constant, never derived from a file name), its scripts, its inputs (a
 * TypeScript type derived from the list), which inputs are its identity
 * (a change replaces the step, so it runs again) and which change in place,
 * and the words `labcdk plan-summary` uses for it. `ScriptStep` writes steps
 * from these declarations; `plan-summary` reads plans with them; a test
 * checks each script's `--help` against the inputs declared here.
 *
 * No cdktf here: the compiled CLI reads this file.
 */
import { parse as parseYaml } from "yaml";

/** An input name, or a family of them: `LABCDK_NODE_*` stands for every `LABCDK_NODE_<NAME>`. */
type InputKey<N extends string> = N extends `${infer Prefix}*` ? `${Prefix}${string}` : N;

/** The inputs of a step: `Required` always given, `Optional` sometimes. Every value is a string (an environment variable). */
export type StepInputs<Required extends string, Optional extends string = never> = { readonly [K in Required as InputKey<K>]: string } & {
  readonly [K in Optional as InputKey<K>]?: string;
};

/** A step's inputs as a saved plan shows them: any of them may be missing (an older version wrote others). */
export type PlannedInputs = Readonly<Record<string, string | undefined>>;

/** The variable every step's input carries its kind in. */
export const STEP_KIND_INPUT = "LABCDK_STEP";

export interface StepDeclaration<Required extends string = string, Optional extends string = never> {
  /** The step's kind, written as `LABCDK_STEP` in its input: what plan-summary recognizes it by. */
  readonly kind: string;
  /** Script in `scripts/` run when the step is created (or replaced). @default - nothing runs at create */
  readonly script?: string;
  /** Script in `scripts/` run when the step is destroyed (or replaced, first), with its stored input. @default - nothing runs at destroy */
  readonly destroyScript?: string;
  /** Inputs the step always gives its script. */
  readonly inputs: readonly Required[];
  /** Inputs it gives only in some cases. @default - none */
  readonly optionalInputs?: readonly Optional[];
  /**
   * Inputs the script does not read: carried for the step's identity or for
   * plan summaries. Every other input is listed by the script's `--help`
   * (a test checks both ways). @default - none: the script reads every input
   */
  readonly unreadInputs?: readonly NoInfer<Required | Optional>[];
  /**
   * The inputs whose change replaces the step (it runs again); the others
   * change in place. `all`: every input, `LABCDK_STEP` first.
   */
  readonly identity: "all" | readonly NoInfer<typeof STEP_KIND_INPUT | Required | Optional>[];
  /** What the step does when it runs, for a plan summary (`before`: the inputs of the step it replaces). @default - "script step <kind>" */
  describe?(inputs: PlannedInputs, before?: PlannedInputs): string;
  /** What its run destroys or disrupts, flagged as destructive in a plan summary. @default - nothing */
  runEffect?(inputs: PlannedInputs): string;
  /** What its destroy undoes in the lab, flagged as destructive in a plan summary. @default - nothing */
  destroyEffect?(inputs: PlannedInputs): string;
}

/** The inputs type of a declared step, e.g. `InputsOf<typeof DRAIN_COMPUTE>`. */
export type InputsOf<Step> = Step extends StepDeclaration<infer Required, infer Optional> ? StepInputs<Required, Optional> : never;

/** A declaration, with its input names checked against its identity by the compiler. */
function declare<Required extends string, Optional extends string = never>(step: StepDeclaration<Required, Optional>): StepDeclaration<Required, Optional> {
  return step;
}

/** Whether input `name` is part of the identity `identity` (a family `X_*` covers every `X_<NAME>`). */
export function isIdentityInput(identity: StepDeclaration["identity"], name: string): boolean {
  if (identity === "all") return true;
  return identity.some((entry) => (entry.endsWith("*") ? name.startsWith(entry.slice(0, -1)) : entry === name));
}

// ------------------------------------------------------------------ bare-metal nodes

/** Holds a node's unregistration; replaced only when the machine is another one (name, driver, BMC, MACs). */
export const UNENROLL_NODE = declare({
  kind: "unenroll-node",
  destroyScript: "unenroll-node.sh",
  inputs: ["OS_CLOUD", "NODE_NAME", "NODE_DRIVER", "NODE_BMC_ADDRESS", "NODE_BMC_PORT", "NODE_BMC_SYSTEM_ID", "NODE_MACS"],
  unreadInputs: ["NODE_DRIVER", "NODE_BMC_ADDRESS", "NODE_BMC_PORT", "NODE_BMC_SYSTEM_ID", "NODE_MACS"],
  identity: ["OS_CLOUD", "NODE_NAME", "NODE_DRIVER", "NODE_BMC_ADDRESS", "NODE_BMC_PORT", "NODE_BMC_SYSTEM_ID", "NODE_MACS"],
  destroyEffect: (inputs) => `unregister node ${inputs.NODE_NAME} from Ironic`,
});

/** The fleet's enrolment: runs again when a node's entry changes; timeouts and the node file's path change in place. */
export const ENROLL_NODES = declare({
  kind: "enroll-nodes",
  script: "enroll-nodes.sh",
  inputs: ["OS_CLOUD", "CREATE_DEFAULTS", "LABCDK_NODE_*", "NODE_FILE", "INTROSPECTION_TIMEOUT_SECONDS", "INTROSPECTION_POLL_SECONDS", "INTROSPECTION_CONCURRENCY"],
  identity: [STEP_KIND_INPUT, "OS_CLOUD", "CREATE_DEFAULTS", "LABCDK_NODE_*"],
  describe: describeEnrollment,
});

// ------------------------------------------------------------------ the overcloud

/** Scale-in, first step: empties a compute host. Runs again only for another host. */
export const DRAIN_COMPUTE = declare({
  kind: "drain-compute",
  script: "drain-compute.sh",
  inputs: ["OS_CLOUD", "DRAIN_HOST", "REMAINING_HOSTS", "MIGRATION_KIND", "TIMEOUT_SECONDS"],
  identity: ["OS_CLOUD", "DRAIN_HOST"],
  describe: (inputs) => `drain compute host ${inputs.DRAIN_HOST}: disable it, ${inputs.MIGRATION_KIND}-migrate its instances to ${inputs.REMAINING_HOSTS}`,
  runEffect: (inputs) => `compute host ${inputs.DRAIN_HOST} is disabled and its instances move to ${inputs.REMAINING_HOSTS} (${inputs.MIGRATION_KIND} migration)`,
});

/** Scale-in, second step: `overcloud node delete`. Runs again when the rendered commands change. */
export const OVERCLOUD_NODE_DELETE = declare({
  kind: "overcloud-node-delete",
  script: "overcloud-node-delete.sh",
  inputs: ["OS_CLOUD", "OVERCLOUD_STACK", "OVERCLOUD_DIALECT", "WORK_DIR", "HOSTNAMES", "COMMANDS_JSON", "FILES_JSON", "RENDERED_SHA256", "DELETE_TIMEOUT_MINUTES"],
  unreadInputs: ["RENDERED_SHA256"],
  identity: ["OS_CLOUD", "OVERCLOUD_STACK", "RENDERED_SHA256"],
  describe: (inputs) => `delete overcloud node(s) ${inputs.HOSTNAMES} from stack ${inputs.OVERCLOUD_STACK}`,
  runEffect: (inputs) => `overcloud node(s) ${inputs.HOSTNAMES} are deleted from stack ${inputs.OVERCLOUD_STACK} (scale-in; after the drains)`,
});

/** The overcloud deploy. Runs again when the rendered commands change; a timeout changes in place. */
export const OVERCLOUD_DEPLOY = declare({
  kind: "overcloud-deploy",
  script: "overcloud-deploy.sh",
  inputs: ["OS_CLOUD", "OVERCLOUD_STACK", "OVERCLOUD_DIALECT", "WORK_DIR", "COMMANDS_JSON", "FILES_JSON", "RENDERED_SHA256", "PROFILE_COUNTS_JSON", "DEPLOY_TIMEOUT_MINUTES"],
  unreadInputs: ["RENDERED_SHA256"],
  identity: ["OS_CLOUD", "OVERCLOUD_STACK", "RENDERED_SHA256"],
  describe: (inputs) => {
    const scale = roleCounts(inputs);
    return `overcloud deploy of stack ${inputs.OVERCLOUD_STACK}${inputs.OVERCLOUD_DIALECT ? `, dialect ${inputs.OVERCLOUD_DIALECT}` : ""}${scale ? ` (${scale})` : ""}`;
  },
});

// ------------------------------------------------------------------ test instances

/** "This instance lives on host X". Every input is identity: any change runs it again (it is a no-op where the instance already is). */
export const MIGRATE_INSTANCE = declare({
  kind: "migrate-instance",
  script: "migrate-instance.sh",
  inputs: ["OS_CLOUD", "INSTANCE_ID", "INSTANCE_NAME", "TARGET_HOST", "MIGRATION_KIND", "TIMEOUT_SECONDS"],
  optionalInputs: ["FLOATING_IP", "REACHABILITY_CHECK"],
  unreadInputs: ["INSTANCE_NAME"],
  identity: "all",
  describe: (inputs) => `migrate ${inputs.INSTANCE_NAME} to ${inputs.TARGET_HOST} (${inputs.MIGRATION_KIND})`,
});

/** The instance answers on its floating IP. */
export const CHECK_REACHABILITY = declare({
  kind: "check-reachability",
  script: "check-reachability.sh",
  inputs: ["OS_CLOUD", "INSTANCE_ID", "INSTANCE_NAME", "FLOATING_IP", "REACHABILITY_CHECK"],
  unreadInputs: ["INSTANCE_NAME"],
  identity: "all",
  describe: (inputs) => `reachability check of ${inputs.INSTANCE_NAME} (${inputs.REACHABILITY_CHECK})`,
});

/** Every step kind of labcdk, by kind. */
export const STEP_KINDS: ReadonlyMap<string, StepDeclaration<string, string>> = new Map(
  [UNENROLL_NODE, ENROLL_NODES, DRAIN_COMPUTE, OVERCLOUD_NODE_DELETE, OVERCLOUD_DEPLOY, MIGRATE_INSTANCE, CHECK_REACHABILITY].map((step) => [step.kind, step as StepDeclaration<string, string>]),
);

// ------------------------------------------------------------------ plan-summary words

/** The node entries (`LABCDK_NODE_<NAME>`) of a fleet enrolment, by node name. */
function nodeEntries(inputs: PlannedInputs | undefined): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(inputs ?? {})) {
    if (!key.startsWith("LABCDK_NODE_") || value === undefined) continue;
    try {
      entries.set(String(JSON.parse(value).name), value);
    } catch {
      entries.set(key.slice("LABCDK_NODE_".length), value);
    }
  }
  return entries;
}

/** At most `max` names, then how many more. */
function nameList(names: readonly string[], max = 10): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** The fleet enrolment: its nodes and, when it runs again, which entries changed. */
function describeEnrollment(inputs: PlannedInputs, before?: PlannedInputs): string {
  const after = nodeEntries(inputs);
  const text = `register + introspect + tag ${after.size} node(s): ${nameList([...after.keys()])}`;
  if (!before) return text;
  const previous = nodeEntries(before);
  const changed = [...after.keys()].filter((name) => previous.get(name) !== after.get(name));
  const removed = [...previous.keys()].filter((name) => !after.has(name));
  const what = [changed.length ? `new or changed: ${nameList(changed)}` : "", removed.length ? `removed: ${nameList(removed)}` : ""].filter(Boolean);
  return `${text} (${what.length ? what.join("; ") : "no node entry changed: drift, or a registration replaced"}; nodes already done are only checked)`;
}

/**
 * The role counts a deploy step asks for, from whichever form its dialect
 * uses: `--<role>-scale` flags, `<Role>Count` parameters, or the `count` of
 * each role in baremetal_deployment.yaml.
 */
function roleCounts(inputs: PlannedInputs): string {
  try {
    const commands: string[][] = JSON.parse(inputs.COMMANDS_JSON ?? "[]");
    const files: Record<string, string> = JSON.parse(inputs.FILES_JSON ?? "{}");
    const counts = commands.flatMap((args) => args.flatMap((arg, i) => (/^--.*-scale$/.test(arg) ? [`${arg.slice(2)} ${args[i + 1]}`] : [])));
    for (const content of Object.values(files)) {
      const data = parseYaml(content);
      if (Array.isArray(data)) counts.push(...data.filter((r) => r?.name && r.count !== undefined).map((r) => `${r.name} ${r.count}`));
      for (const [name, value] of Object.entries(data?.parameter_defaults ?? {})) if (/Count$/.test(name)) counts.push(`${name} ${value}`);
    }
    return counts.join(", ");
  } catch {
    return "inputs not readable";
  }
}
