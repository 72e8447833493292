/**
 * `labcdk plan-summary`: a pull-request comment (Markdown) from saved plans
 * (`tofu show -json PLAN`), one per stack. Per stack: resources to add,
 * change, replace, destroy, and the lab steps that will run; destructive
 * changes listed first. The caller's exit code says whether anything
 * destructive is planned.
 */

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
  };
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

type Inputs = Record<string, string | undefined>;

/** What a script step does, in the lab's words. */
function describeStep(inputs: Inputs): string {
  switch (inputs.LABCDK_STEP) {
    case "enroll-node":
      return `register + introspect node ${inputs.NODE_NAME} (${inputs.NODE_DRIVER})`;
    case "tag-node":
      return `tag node ${inputs.NODE_NAME} with ${inputs.NODE_CAPABILITIES || "no capabilities"}`;
    case "overcloud-deploy": {
      let detail = "";
      try {
        const args: string[] = JSON.parse(inputs.DEPLOY_ARGUMENTS_JSON ?? "[]");
        detail = args.flatMap((arg, i) => (/^--.*-scale$/.test(arg) ? [`${arg.slice(2)} ${args[i + 1]}`] : [])).join(", ");
      } catch {
        detail = "arguments not readable";
      }
      return `overcloud deploy of stack ${inputs.OVERCLOUD_STACK}${detail ? ` (${detail})` : ""}`;
    }
    case "migrate-instance":
      return `migrate ${inputs.INSTANCE_NAME} to ${inputs.TARGET_HOST} (${inputs.MIGRATION_KIND})`;
    case "check-reachability":
      return `reachability check of ${inputs.INSTANCE_NAME} (${inputs.REACHABILITY_CHECK})`;
    default:
      return `script step ${inputs.LABCDK_STEP ?? "(unknown)"}`;
  }
}

/** Steps whose destroy undoes something in the lab (their destroy script). */
const DESTROY_EFFECT: Readonly<Record<string, (inputs: Inputs) => string>> = {
  "enroll-node": (inputs) => `unregister node ${inputs.NODE_NAME} from Ironic`,
};

function inputsOf(values: Record<string, unknown> | null | undefined): Inputs | undefined {
  const input = values?.input;
  return input && typeof input === "object" && "LABCDK_STEP" in input ? (input as Inputs) : undefined;
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
    for (const change of plan.resource_changes ?? []) {
      if (change.mode !== "managed") continue;
      const action = actionOf(change.change.actions);
      if (!action) continue;
      counts[action]++;
      const before = inputsOf(change.change.before);
      const after = inputsOf(change.change.after);
      if (before || after) {
        if (action === "add" || action === "change" || action === "replace") {
          if (action !== "change") steps.push(describeStep(after ?? before!));
          const undo = before && action === "replace" ? DESTROY_EFFECT[before.LABCDK_STEP ?? ""] : undefined;
          if (undo) destructiveLines.push(`**${stack}**: ${undo(before!)} first (its step is replaced: ${describeStep(after ?? before!)})`);
        } else {
          const undo = DESTROY_EFFECT[before?.LABCDK_STEP ?? ""];
          if (undo) destructiveLines.push(`**${stack}**: ${undo(before!)}`);
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
    if (steps.length > 0) lines.push("Lab steps that will run:", "", ...steps.map((s, i) => `${i + 1}. ${s}`), "");
    if (others.length > 0) lines.push("Changes to existing resources:", "", ...others, "");
    if (steps.length === 0 && others.length === 0 && counts.add === 0) lines.push("No changes.", "");
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
