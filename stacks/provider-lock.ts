import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { projectRoot } from "../lab/project-root";

/**
 * The committed provider lock: the h1 hashes of the providers built from
 * source by tools/build-toolchain.sh (reproducibly, so every machine builds
 * the same bytes), for every platform of LOCK_PLATFORMS (tools/versions.env).
 * Written by tools/lock-providers.sh; never edited by hand.
 */
export const PROVIDER_LOCK_FILE = path.join(projectRoot(), "providers", ".terraform.lock.hcl");

/** The platforms (os_arch) the committed lock covers: LOCK_PLATFORMS of tools/versions.env. */
export function lockPlatforms(versionsEnv: string = path.join(projectRoot(), "tools", "versions.env")): string[] {
  const match = /^LOCK_PLATFORMS="([^"]*)"/m.exec(fs.readFileSync(versionsEnv, "utf8"));
  if (!match) throw new Error(`${versionsEnv}: no LOCK_PLATFORMS="os_arch ..." line`);
  return match[1].split(/\s+/).filter(Boolean);
}

/** This machine's platform as Terraform names it (os_arch, e.g. linux_amd64). */
export function hostPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  const os: Record<string, string> = { win32: "windows" };
  return `${os[process.platform] ?? process.platform}_${arch[process.arch] ?? process.arch}`;
}

export interface InstallProviderLockOptions {
  /** The lock to install. @default PROVIDER_LOCK_FILE */
  readonly lockFile?: string;
  /** The platforms it covers. @default lockPlatforms() */
  readonly platforms?: readonly string[];
  /** The platform tofu runs on. @default hostPlatform() */
  readonly platform?: string;
  /** Where notes go (a replaced lock, an uncovered platform). @default console.warn */
  readonly warn?: (message: string) => void;
}

/**
 * After a synth: copies the committed provider lock into every stack folder
 * (`<outdir>/stacks/<stack>/.terraform.lock.hcl`). With it, `tofu init` there
 * installs exactly the locked providers from the local mirror, and `cdktf
 * diff` / `cdktf deploy` skip their `providers lock` run (which asks the
 * public registry). A stack folder is build output: a lock there that differs
 * (left by an older lock, or changed by `tofu init -upgrade`) is replaced, and
 * `warn` says so. On a platform the lock does not cover, `tofu init` would
 * refuse the locally built package, so nothing is copied and `warn` says why.
 */
export function installProviderLock(app: App, options: InstallProviderLockOptions = {}): void {
  const lockFile = options.lockFile ?? PROVIDER_LOCK_FILE;
  const warn = options.warn ?? console.warn;
  const platforms = options.platforms ?? lockPlatforms();
  const platform = options.platform ?? hostPlatform();
  if (!platforms.includes(platform)) {
    warn(
      `labcdk: the committed provider lock covers ${platforms.join(", ")}, not ${platform}: not copied into the stack folders ` +
        "(tofu init writes its own there; cdktf diff/deploy then run `providers lock`, which needs the public registry). " +
        'To cover it, add it to LOCK_PLATFORMS in tools/versions.env and re-lock (README: "Provider lock file").',
    );
    return;
  }
  if (!fs.existsSync(lockFile)) {
    throw new Error(`${lockFile} does not exist: write it with tools/lock-providers.sh (README: "Provider lock file")`);
  }
  const lock = fs.readFileSync(lockFile);
  for (const stack of Object.values(app.manifest.stacks)) {
    const target = path.join(app.outdir, stack.workingDirectory, ".terraform.lock.hcl");
    if (fs.existsSync(target)) {
      if (fs.readFileSync(target).equals(lock)) continue;
      warn(`labcdk: replacing ${target}, which differs from the committed ${path.relative(process.cwd(), lockFile) || lockFile}`);
    }
    fs.writeFileSync(target, lock);
  }
}

/** Provider source address as Terraform normalizes it: `<host>/<namespace>/<type>`. */
export function normalizeProviderSource(source: string): string {
  const parts = source.split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${source}`;
  if (parts.length === 2) return `registry.terraform.io/${source}`;
  return source;
}

/**
 * The providers stacks require (terraform.required_providers of their
 * synthesized JSON), as normalized source → version constraints.
 */
export function requiredProviders(stacks: TerraformStack[]): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>();
  for (const stack of stacks) {
    const json = stack.toTerraform() as { terraform?: { required_providers?: Record<string, { source?: string; version?: string }> } };
    for (const [name, requirement] of Object.entries(json.terraform?.required_providers ?? {})) {
      const source = normalizeProviderSource(requirement.source ?? name);
      const constraints = required.get(source) ?? new Set<string>();
      if (requirement.version) constraints.add(requirement.version);
      required.set(source, constraints);
    }
  }
  return required;
}
