/**
 * `labcdk plan-summary`: a pull-request comment (Markdown) from saved plans
 * (`tofu show -json PLAN`), one per stack. Per stack: resources to add,
 * change, replace, destroy, and the lab steps that will run; destructive
 * changes listed first. The caller's exit code says whether anything
 * destructive is planned.
 */
import * as z from "zod";
import { PlannedInputs, STEP_KIND_INPUT, STEP_KINDS, StepDeclaration } from "../constructs/steps";
import { LabInputError } from "../lab/errors";
import { parseJsonText, readInputText, withDepthGuard } from "../lab/input-file";

/** The part of `tofu show -json` a summary needs. */
export interface PlanJson {
  readonly resource_changes?: readonly ResourceChange[];
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    /** Present when the plan imports the resource (an `import` block: `labcdk import`'s adopt: ids). */
    readonly importing?: { readonly id?: string } | null;
  };
}

/** What a summary reads of a saved plan, checked before it is read (other fields pass through). */
const PlanJsonSchema = z.looseObject({
  format_version: z.string().optional(),
  resource_changes: z
    .array(
      z.looseObject({
        address: z.string(),
        mode: z.enum(["managed", "data"]),
        type: z.string(),
        change: z.looseObject({
          actions: z.array(z.string()),
          before: z.record(z.string(), z.unknown()).nullable().optional(),
          after: z.record(z.string(), z.unknown()).nullable().optional(),
          importing: z.looseObject({ id: z.string().optional() }).nullable().optional(),
        }),
      }),
    )
    .optional(),
});

/** A saved plan's JSON (`tofu show -json PLAN > FILE`), or a LabInputError saying in one line why `file` is not one. */
export function readPlanJson(file: string): PlanJson {
  return withDepthGuard(file, "saved plan's JSON", () => readPlanJsonUnguarded(file));
}

function readPlanJsonUnguarded(file: string): PlanJson {
  const text = readInputText(file, "plan", "saved plan's JSON");
  const raw = parseJsonText(file, text, "saved plan (make it with: tofu show -json PLANFILE > FILE)");
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || (!("resource_changes" in raw) && !("format_version" in raw))) {
    throw new LabInputError(file, [`${file}: is not the JSON of a saved plan (no resource_changes, no format_version)`]);
  }
  const parsed = PlanJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabInputError(file, [`${file}: ${issue.path.join(".")}: ${issue.message} (not the JSON of a saved plan as tofu show -json writes it)`]);
  }
  return parsed.data as PlanJson;
}

export interface StackPlan {
  /** Stack name, e.g. lab-undercloud. */
  readonly stack: string;
  readonly plan: PlanJson;
}

export interface PlanSummary {
  readonly markdown: string;
  /** Something will be destroyed or replaced (a machine unregistered, an instance deleted, ...). */
  readonly destructive: boolean;
}

type Action = "add" | "change" | "replace" | "destroy";

function actionOf(actions: readonly string[]): Action | undefined {
  const key = actions.join(",");
  if (key === "create") return "add";
  if (key === "update") return "change";
  if (key === "delete") return "destroy";
  if (key === "delete,create" || key === "create,delete") return "replace";
  return undefined; // no-op, read, forget
}

type Inputs = PlannedInputs;

/** The declaration of the step whose inputs these are (constructs/steps.ts), if labcdk knows its kind. */
function stepOf(inputs: Inputs | undefined): StepDeclaration<string, string> | undefined {
  const kind = inputs?.[STEP_KIND_INPUT];
  return kind === undefined ? undefined : STEP_KINDS.get(kind);
}

/** What a script step does, in the words its declaration gives (`before`: the inputs it replaces, if any). */
function describeStep(inputs: Inputs, before?: Inputs): string {
  return stepOf(inputs)?.describe?.(inputs, before) ?? `script step ${inputs[STEP_KIND_INPUT] ?? "(unknown)"}`;
}

/** A step that runs nothing when created (it only holds a destroy script). */
function nothingAtCreate(inputs: Inputs | undefined): boolean {
  const step = stepOf(inputs);
  return step !== undefined && !step.script;
}

/** Why a registration is replaced: the identity values (`triggers_replace`) that differ. */
function identityChange(change: ResourceChange): string {
  const before = (change.change.before?.triggers_replace ?? {}) as Inputs;
  const after = (change.change.after?.triggers_replace ?? {}) as Inputs;
  const differing = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]);
  if (differing.length === 0) return "it is replaced as it is (tainted by a failed apply, or -replace)";
  const shownValue = (value: string | undefined) => (value === undefined ? "(none)" : value === "" ? '""' : value);
  return `the machine's identity changed: ${differing.map((key) => `${key} ${shownValue(before[key])} → ${shownValue(after[key])}`).join(", ")}`;
}

/** A drifted observation (labcdk_observation refreshed to something else): what was seen, what is wanted. */
function describeDrift(change: ResourceChange): string | undefined {
  const before = change.change.before as { check?: string; state?: string; inputs?: Inputs } | null | undefined;
  const after = change.change.after as { state?: string } | null | undefined;
  if (!before?.check || before.state === undefined || after?.state === undefined || before.state === after.state) return undefined;
  const inputs = before.inputs ?? {};
  const subject = inputs.NODE_NAME ?? inputs.INSTANCE_ID ?? inputs.COMPUTE_HOSTS ?? "";
  return `${before.check}${subject ? ` ${subject}` : ""}: observed \`${before.state}\`, the lab wants \`${after.state}\``;
}

function inputsOf(values: Record<string, unknown> | null | undefined): Inputs | undefined {
  const input = values?.input;
  return input && typeof input === "object" && STEP_KIND_INPUT in input ? (input as Inputs) : undefined;
}

/** A resource as a reviewer recognizes it: its address, and its name in the cloud when it has one. */
function label(change: ResourceChange): string {
  const name = (change.change.before?.name ?? change.change.after?.name) as string | undefined;
  return `\`${change.address}\`${typeof name === "string" && name ? ` (${name})` : ""}`;
}

export function summarizePlans(plans: readonly StackPlan[]): PlanSummary {
  const destructiveLines: string[] = [];
  const sections: string[] = [];

  for (const { stack, plan } of plans) {
    const counts: Record<Action, number> = { add: 0, change: 0, replace: 0, destroy: 0 };
    const steps: string[] = [];
    const others: string[] = [];
    const drift: string[] = [];
    const adopted: string[] = [];
    for (const change of plan.resource_changes ?? []) {
      if (change.mode !== "managed") continue;
      const action = actionOf(change.change.actions);
      if (change.change.importing) {
        const id = change.change.importing.id;
        adopted.push(`- adopt ${label(change)}${id ? ` from ${id}` : ""}: imported into the state, nothing created${action === "change" ? "; then changed in place" : ""}`);
        if (action === undefined) continue;
      }
      if (change.change.actions.join(",") === "forget") {
        const name = inputsOf(change.change.before)?.NODE_NAME;
        others.push(`- forget ${label(change)}${name ? `: node ${name}'s registration of an earlier labcdk; its Machine resource takes it over, nothing changes in the cloud` : ": out of the state, nothing changes in the cloud"}`);
        continue;
      }
      if (!action) continue;
      counts[action]++;
      if (change.type === "labcdk_observation") {
        // Observations change nothing in the cloud: only their drift is worth a line.
        const seen = action === "change" ? describeDrift(change) : undefined;
        if (seen) drift.push(`- ${seen}`);
        continue;
      }
      const before = inputsOf(change.change.before);
      const after = inputsOf(change.change.after);
      if (before || after) {
        if (action === "add" || action === "change" || action === "replace") {
          const current = after ?? before!;
          if (action !== "change" && !nothingAtCreate(current)) {
            steps.push(describeStep(current, action === "replace" ? before : undefined));
            const effect = stepOf(current)?.runEffect?.(current);
            if (effect) destructiveLines.push(`**${stack}**: ${effect}`);
          }
          const undo = before && action === "replace" ? stepOf(before)?.destroyEffect?.(before) : undefined;
          const why = nothingAtCreate(before) ? `it is registered again: ${identityChange(change)}` : `its step is replaced: ${describeStep(current)}`;
          if (undo) destructiveLines.push(`**${stack}**: ${undo} first (${why})`);
        } else {
          const undo = before ? stepOf(before)?.destroyEffect?.(before) : undefined;
          if (undo) destructiveLines.push(`**${stack}**: ${undo}`);
          else others.push(`- destroy ${label(change)}: its ${before?.[STEP_KIND_INPUT] ?? "script"} step has nothing to undo, nothing changes in the cloud`);
        }
        continue;
      }
      if (action === "destroy" || action === "replace") destructiveLines.push(`**${stack}**: ${action} ${label(change)}`);
      if (action !== "add") others.push(`- ${action} ${label(change)}`);
    }
    const lines = [
      `### ${stack}`,
      "",
      "| add | change | replace | destroy |",
      "| ---: | ---: | ---: | ---: |",
      `| ${counts.add} | ${counts.change} | ${counts.replace} | ${counts.destroy} |`,
      "",
    ];
    if (drift.length > 0) lines.push("Drift observed at refresh (the steps below run again to fix it):", "", ...drift, "");
    if (adopted.length > 0) lines.push("Adopted (existing resources imported):", "", ...adopted, "");
    if (steps.length > 0) lines.push("Lab steps that will run:", "", ...steps.map((s, i) => `${i + 1}. ${s}`), "");
    if (others.length > 0) lines.push("Changes to existing resources:", "", ...others, "");
    if (steps.length === 0 && others.length === 0 && drift.length === 0 && adopted.length === 0 && counts.add === 0) lines.push("No changes.", "");
    sections.push(lines.join("\n"));
  }

  const destructive = destructiveLines.length > 0;
  const header = [
    `## labcdk plan: ${plans.map((p) => p.stack).join(", ")}`,
    "",
    destructive
      ? ["**Destructive changes — review before applying:**", "", ...destructiveLines.map((l) => `- ${l}`), ""].join("\n")
      : "Nothing is destroyed or replaced.\n",
  ];
  return { markdown: [...header, ...sections].join("\n").trimEnd() + "\n", destructive };
}
