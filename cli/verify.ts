/**
 * `labcdk verify`: the runbook's verification steps (Parts 1, 3, 4 and 5) as
 * one read-only report. `scripts/observe-lab.py` reads what the clouds have
 * (one JSON document, shape in its docstring); `compareLab` — a pure
 * function — compares it with what the resolved lab expects
 * (`LabModel.expected`, lab/model.ts).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { capabilitiesText } from "../lab/ironic-fields";
import { ExpectedState } from "../lab/model";
import { projectRoot } from "../lab/project-root";

export const OBSERVE_SCRIPT = path.join(projectRoot(), "scripts", "observe-lab.py");

/** The document observe-lab.py prints (see its docstring). */
export interface ObservedState {
  readonly version: number;
  readonly observedAt: string;
  readonly clouds: { readonly undercloud: string; readonly overcloud: string };
  readonly nodes: Readonly<Record<string, ObservedNode | null>>;
  readonly computeHosts: Readonly<
    Record<
      string,
      {
        readonly service: { readonly status: string; readonly state: string; readonly disabledReason?: string | null } | null;
        readonly hypervisor: { readonly hostname: string; readonly state?: string | null; readonly status?: string | null } | null;
      }
    >
  >;
  readonly heatStack: null | { readonly available: false; readonly reason: string } | { readonly available: true; readonly name: string; readonly status: string | null };
  readonly instances: Readonly<Record<string, ObservedInstance | null>>;
}

export interface ObservedNode {
  readonly uuid: string;
  readonly provisionState: string;
  readonly powerState?: string | null;
  readonly maintenance: boolean;
  readonly maintenanceReason?: string | null;
  readonly instanceUuid?: string | null;
  readonly properties: Readonly<Record<string, string | number | null | undefined>>;
  readonly capabilities: Readonly<Record<string, string>>;
}

export interface ObservedInstance {
  readonly id: string;
  readonly count: number;
  readonly status: string;
  readonly host: string | null;
  readonly floatingIps: readonly string[];
  readonly migrations: readonly { readonly source: string | null; readonly dest: string | null; readonly status: string; readonly type?: string | null; readonly createdAt?: string | null }[];
}

export type CheckResult = "ok" | "DIFF" | "unavailable";

/** One line of the report. `check` names the kind of difference (node.maintenance, instance.host, ...). */
export interface Check {
  readonly check: string;
  readonly subject: string;
  readonly expected: string;
  readonly observed: string;
  readonly result: CheckResult;
}

const NODE_STATES = ["available", "active"];
const MIGRATION_DONE = ["confirmed", "completed"];
const capabilityText = (caps: Readonly<Record<string, string>>) => capabilitiesText(caps, "as given") || "(none)";

/** Every check of the lab against what was observed; pure (no cloud, no I/O). */
export function compareLab(expected: ExpectedState, observed: ObservedState): Check[] {
  const checks: Check[] = [];
  const add = (check: string, subject: string, expectedText: string, observedText: string, ok: boolean | "unavailable") =>
    checks.push({ check, subject, expected: expectedText, observed: observedText, result: ok === "unavailable" ? "unavailable" : ok ? "ok" : "DIFF" });

  for (const node of expected.nodes) {
    const seen = observed.nodes[node.name];
    add("node.exists", node.name, "registered in Ironic", seen ? `registered (${seen.uuid})` : "absent", !!seen);
    if (!seen) continue;
    add("node.provision_state", node.name, NODE_STATES.join(" or "), seen.provisionState, NODE_STATES.includes(seen.provisionState));
    add("node.maintenance", node.name, "off", seen.maintenance ? `on${seen.maintenanceReason ? ` (${seen.maintenanceReason})` : ""}` : "off", !seen.maintenance);
    const missing = Object.entries(node.capabilities).filter(([k, v]) => seen.capabilities[k] !== v);
    add("node.capabilities", node.name, `includes ${capabilityText(node.capabilities)}`, capabilityText(seen.capabilities), missing.length === 0);
    for (const [key, value] of Object.entries(node.properties)) {
      if (value === undefined) continue;
      const got = seen.properties[key];
      const shown = got === undefined || got === null ? "(unset)" : String(got);
      if (key === "local_gb" && typeof value === "number") {
        // Introspection reports the root disk less 1 GiB kept for partitioning
        // (the runbook: the file said 40, introspection found 39).
        add("node.properties.local_gb", node.name, `${value} (or ${value - 1}, as introspection reports it)`, shown, Number(got) === value || Number(got) === value - 1);
        continue;
      }
      add(`node.properties.${key}`, node.name, String(value), shown, got !== undefined && got !== null && String(got) === String(value));
    }
  }

  for (const host of expected.computeHosts) {
    const seen = observed.computeHosts[host];
    const service = seen?.service;
    add(
      "compute.service",
      host,
      "nova-compute enabled, up",
      service ? `nova-compute ${service.status}, ${service.state}${service.disabledReason ? ` (${service.disabledReason})` : ""}` : "no nova-compute service",
      !!service && service.status === "enabled" && service.state === "up",
    );
    const hypervisor = seen?.hypervisor;
    add("compute.hypervisor", host, "a hypervisor", hypervisor ? `${hypervisor.hostname}${hypervisor.state ? ` (${hypervisor.state})` : ""}` : "none", !!hypervisor);
  }

  if (expected.heatStack !== undefined) {
    const stack = observed.heatStack;
    if (!stack) add("overcloud.stack", expected.heatStack, "*_COMPLETE", "not observed", false);
    else if (!stack.available) add("overcloud.stack", expected.heatStack, "*_COMPLETE", `unavailable: ${stack.reason}`, "unavailable");
    else add("overcloud.stack", expected.heatStack, "*_COMPLETE", stack.status ?? "absent", !!stack.status && stack.status.endsWith("_COMPLETE"));
  }

  for (const instance of expected.instances) {
    const seen = observed.instances[instance.name];
    add("instance.exists", instance.name, "one server", !seen ? "absent" : seen.count === 1 ? `one server (${seen.id})` : `${seen.count} servers with this name`, !!seen && seen.count === 1);
    if (!seen) continue;
    add("instance.status", instance.name, "ACTIVE", seen.status, seen.status === "ACTIVE");
    add("instance.host", instance.name, instance.host, seen.host ?? "(not visible: needs admin)", seen.host === instance.host);
    if (instance.floatingIp) {
      const wanted = instance.floatingIp.address;
      add(
        "instance.floating_ip",
        instance.name,
        wanted ?? "a floating IP",
        seen.floatingIps.join(", ") || "none",
        wanted ? seen.floatingIps.includes(wanted) : seen.floatingIps.length > 0,
      );
    }
    if (instance.migration) {
      const { from, to } = instance.migration;
      const records = seen.migrations.filter((m) => m.source === from && m.dest === to);
      const done = records.find((m) => MIGRATION_DONE.includes(m.status));
      const shown = records.length
        ? records.map((m) => `${m.source}→${m.dest} ${m.status}`).join("; ")
        : seen.migrations.length
          ? `none ${from}→${to} (others: ${seen.migrations.map((m) => `${m.source}→${m.dest} ${m.status}`).join("; ")})`
          : "no migration record";
      add("migration", instance.name, `${from}→${to} ${MIGRATION_DONE.join(" or ")}`, done ? `${from}→${to} ${done.status}` : shown, !!done);
    }
  }
  return checks;
}

/** The report for people: one row per check, differences counted at the end. */
export function formatTable(checks: readonly Check[]): string {
  const header: Check = { check: "CHECK", subject: "SUBJECT", expected: "EXPECTED", observed: "OBSERVED", result: "ok" };
  const rows = [header, ...checks].map((c, i) => [c.check, c.subject, c.expected, c.observed, i === 0 ? "RESULT" : c.result]);
  const widths = [0, 1, 2, 3].map((col) => Math.max(...rows.map((r) => r[col].length)));
  const lines = rows.map((r) => r.map((cell, col) => (col < 4 ? cell.padEnd(widths[col]) : cell)).join("  "));
  const diffs = checks.filter((c) => c.result === "DIFF");
  const unavailable = checks.filter((c) => c.result === "unavailable").length;
  lines.push(
    "",
    diffs.length === 0
      ? `all ${checks.length - unavailable} check(s) ok${unavailable ? `, ${unavailable} unavailable` : ""}`
      : `${diffs.length} difference(s) of ${checks.length} check(s): ${diffs.map((d) => `${d.check} ${d.subject}`).join(", ")}${unavailable ? `; ${unavailable} unavailable` : ""}`,
  );
  return lines.join("\n");
}

/** A Python with openstacksdk, as scripts/lib/common.sh's sdk_python chooses it. */
export function sdkPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const candidate of [env.LABCDK_PYTHON, "python3", "/usr/bin/python3"]) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ["-c", 'import importlib.util, sys; sys.exit(importlib.util.find_spec("openstack") is None)'], { env, stdio: "ignore", timeout: 20000 });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export class ObserveError extends Error {}

/** Runs observe-lab.py for the expected state's names; throws ObserveError (naming the cloud) when it cannot observe. */
export function observe(expected: ExpectedState, options: { timeoutSeconds?: number; env?: NodeJS.ProcessEnv } = {}): ObservedState {
  const env = options.env ?? process.env;
  const timeout = options.timeoutSeconds ?? 60;
  const python = sdkPython(env);
  if (!python) throw new ObserveError("no Python with openstacksdk found (install python3-openstacksdk, or set LABCDK_PYTHON)");
  const result = spawnSync(python, [OBSERVE_SCRIPT], {
    encoding: "utf8",
    timeout: (timeout + 15) * 1000,
    killSignal: "SIGKILL",
    env: {
      ...env,
      UNDERCLOUD_CLOUD: expected.clouds.undercloud,
      OVERCLOUD_CLOUD: expected.clouds.overcloud,
      OBSERVE_NODES: JSON.stringify(expected.nodes.map((n) => n.name)),
      OBSERVE_COMPUTE_HOSTS: JSON.stringify(expected.computeHosts),
      OBSERVE_INSTANCES: JSON.stringify(expected.instances.map((i) => i.name)),
      OBSERVE_HEAT_STACK: expected.heatStack ?? "",
      OBSERVE_TIMEOUT_SECONDS: String(timeout),
    },
  });
  if (result.error) throw new ObserveError(`${OBSERVE_SCRIPT}: ${result.error.message}`);
  if (result.status !== 0) {
    const message = (result.stderr.trim().split("\n").filter((line) => line.includes("error:")).pop() ?? result.stderr.trim()).replace(/^\S+ \[observe-lab\] error: /, "");
    throw new ObserveError(message || `${OBSERVE_SCRIPT} exited ${result.status ?? result.signal}`);
  }
  try {
    return JSON.parse(result.stdout) as ObservedState;
  } catch (error) {
    throw new ObserveError(`${OBSERVE_SCRIPT} printed no JSON: ${(error as Error).message}`);
  }
}

/** The exit code: 0 every check ok (or unavailable), 1 any difference. */
export function exitCodeOf(checks: readonly Check[]): 0 | 1 {
  return checks.some((c) => c.result === "DIFF") ? 1 : 0;
}
