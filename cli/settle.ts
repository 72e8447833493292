/**
 * `labcdk settle`: finishes the moves an interrupted apply (or a person) left
 * under way, so that the next plan can read the lab's instances. The
 * OpenStack provider (3.4.0) cannot refresh an instance in VERIFY_RESIZE
 * ("Invalid power_state … VERIFY_RESIZE"), and Nova leaves a cold migration
 * there until someone confirms or reverts it, so a plan after an apply killed
 * mid-migration fails until it is settled.
 *
 * Per instance of the lab, with scripts/lib/nova_migrate.py in SETTLE_ONLY
 * mode: VERIFY_RESIZE on the host the lab wants (its migration target, else
 * its boot host) is confirmed, on another host reverted; a move in flight is
 * waited for (bounded). No migration is started: the apply does that.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { LabModel } from "../lab/model";
import { projectRoot } from "../lab/project-root";
import { sdkPython } from "./verify";

export const NOVA_MIGRATE = path.join(projectRoot(), "scripts", "lib", "nova_migrate.py");

export interface SettleResult {
  readonly instance: string;
  readonly ok: boolean;
}

/** nova_migrate.py's exit status when the cloud is not configured or cannot be reached. */
const CLOUD_UNAVAILABLE = 3;

/** Settling could not start or go on; `cloud`: because the cloud is not configured or cannot be reached. */
export class SettleError extends Error {
  constructor(
    message: string,
    readonly cloud: boolean,
  ) {
    super(message);
  }
}

/**
 * Settles every instance of the lab, one after the other, its output passed
 * through; the result per instance. Stops at the first that finds the cloud
 * unavailable (SettleError): the others would only say it again.
 */
export function settleLab(model: LabModel, options: { timeoutSeconds: number; env?: NodeJS.ProcessEnv }): SettleResult[] {
  const env = options.env ?? process.env;
  const python = sdkPython(env);
  if (!python) throw new SettleError("no Python with openstacksdk found (install python3-openstacksdk, or set LABCDK_PYTHON)", true);
  const results: SettleResult[] = [];
  for (const { name, host } of model.expected.instances) {
    const result = spawnSync(python, [NOVA_MIGRATE], {
      stdio: "inherit",
      timeout: (options.timeoutSeconds + 120) * 1000,
      killSignal: "SIGKILL",
      env: {
        ...env,
        OS_CLOUD: model.clouds.overcloud,
        INSTANCE_NAME: name,
        TARGET_HOST: host,
        MIGRATION_KIND: model.tenant.instances[name].migration?.kind ?? "cold",
        SETTLE_ONLY: "1",
        TIMEOUT_SECONDS: String(options.timeoutSeconds),
        PYTHONDONTWRITEBYTECODE: "1",
      },
    });
    if (result.status === CLOUD_UNAVAILABLE) throw new SettleError(`the overcloud (clouds.yaml entry ${JSON.stringify(model.clouds.overcloud)}) is not available (see above)`, true);
    results.push({ instance: name, ok: result.status === 0 });
  }
  return results;
}
