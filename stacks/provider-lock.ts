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
 * The lock for a stack folder: the committed lock's blocks of the providers
 * the stack requires, in the committed order, after its header — what
 * `tofu init` there keeps (it drops the blocks of providers a configuration
 * does not use). `missing`: required providers the lock has no block for.
 */
export function stackLock(lockText: string, sources: Iterable<string>): { text: string; missing: string[] } {
  const first = lockText.search(/^provider "/m);
  const header = first < 0 ? lockText : lockText.slice(0, first);
  const blocks = new Map([...lockText.matchAll(/^provider "([^"]+)" \{\n[\s\S]*?^\}\n/gm)].map((match) => [match[1], match[0]]));
  const wanted = new Set(sources);
  return {
    text: header + [...blocks].filter(([source]) => wanted.has(source)).map(([, block]) => block).join("\n"),
    missing: [...wanted].filter((source) => !blocks.has(source)).sort(),
  };
}

/**
 * After a synth: puts the committed provider lock into every stack folder
 * (`<outdir>/stacks/<stack>/.terraform.lock.hcl`), with the blocks of the
 * providers that stack requires (`stackLock`). With it, `tofu init` there
 * installs exactly the locked packages from the local mirror and leaves the
 * file as it is, and `cdktf diff` / `cdktf deploy` skip their `providers lock`
 * run (which asks the public registry). A stack folder is build output: a
 * lock there that differs (left by an older lock, or changed by `tofu init
 * -upgrade`) is replaced, and `warn` says so; so is a provider the committed
 * lock lacks (re-lock). On a platform the lock does not cover, `tofu init`
 * would refuse the locally built package, so nothing is copied and `warn`
 * says why.
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
        'To cover it, add it to LOCK_PLATFORMS in tools/versions.env and re-lock (docs/operating.md, "Provider lock file").',
    );
    return;
  }
  if (!fs.existsSync(lockFile)) {
    throw new Error(`${lockFile} does not exist: write it with tools/lock-providers.sh (docs/operating.md, "Provider lock file")`);
  }
  const committed = fs.readFileSync(lockFile, "utf8");
  const shownLockFile = path.relative(process.cwd(), lockFile) || lockFile;
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    const manifest = app.manifest.stacks[stack.node.id];
    if (!manifest) continue; // not synthesized
    const { text, missing } = stackLock(committed, requiredProviders([stack]).keys());
    if (missing.length) {
      warn(`labcdk: ${stack.node.id} requires ${missing.join(", ")}, which ${shownLockFile} does not lock: re-lock (tools/lock-providers.sh; docs/operating.md, "Provider lock file")`);
    }
    const target = path.join(app.outdir, manifest.workingDirectory, ".terraform.lock.hcl");
    if (fs.existsSync(target)) {
      if (fs.readFileSync(target, "utf8") === text) continue;
      warn(`labcdk: replacing ${target}, which differs from the committed ${shownLockFile}`);
    }
    fs.writeFileSync(target, text);
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
