/**
 * The committed provider lock (providers/.terraform.lock.hcl) against the
 * providers tools/build-toolchain.sh built into .tools/providers: the lock tool
 * run into a scratch file (inside a network namespace without egress when one
 * can be made, which proves it offline) must give the same providers, versions,
 * constraints and hashes. A stale lock (a provider, OpenTofu or Go toolchain
 * bump without tools/lock-providers.sh) fails here with what differs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { lockPlatforms, PROVIDER_LOCK_FILE } from "../../stacks/provider-lock";
import { offlineRun, offlineUnavailable } from "../helpers/offline";
import { describeWithTofu, tofu, TOFU } from "../helpers/tofu";

interface LockedProvider {
  readonly version: string;
  readonly constraints?: string;
  readonly hashes: string[];
}

/** The provider blocks of a .terraform.lock.hcl, by source address. */
function parseLock(text: string): Map<string, LockedProvider> {
  const providers = new Map<string, LockedProvider>();
  for (const block of text.matchAll(/^provider "([^"]+)" \{\n([\s\S]*?)^\}/gm)) {
    const body = block[2];
    providers.set(block[1], {
      version: /^\s*version\s*=\s*"([^"]*)"/m.exec(body)?.[1] ?? "",
      constraints: /^\s*constraints\s*=\s*"([^"]*)"/m.exec(body)?.[1],
      hashes: [.../hashes\s*=\s*\[([\s\S]*?)\]/.exec(body)?.[1].matchAll(/"([^"]+)"/g) ?? []].map((match) => match[1]),
    });
  }
  return providers;
}

/**
 * What makes COMMITTED stale against FRESH (a lock written from the mirror,
 * possibly for fewer platforms): other providers, versions or constraints, or
 * a fresh hash the committed lock lacks. Empty when it is up to date.
 */
function staleness(committed: Map<string, LockedProvider>, fresh: Map<string, LockedProvider>): string[] {
  const problems: string[] = [];
  const sources = (lock: Map<string, LockedProvider>) => [...lock.keys()].sort().join(", ");
  if (sources(committed) !== sources(fresh)) problems.push(`providers: committed ${sources(committed)}, built ${sources(fresh)}`);
  for (const [source, built] of fresh) {
    const locked = committed.get(source);
    if (!locked) continue;
    if (locked.version !== built.version) problems.push(`${source}: version ${locked.version} committed, ${built.version} built`);
    if (locked.constraints !== built.constraints) problems.push(`${source}: constraints "${locked.constraints}" committed, "${built.constraints}" required`);
    for (const hash of built.hashes) if (!locked.hashes.includes(hash)) problems.push(`${source}: the built package's ${hash} is not in the committed lock`);
  }
  return problems;
}

/** Runs tools/lock-providers.sh for PLATFORMS into a scratch file; returns that lock. */
function freshLock(platforms: string[]): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-lock-")), "lock.hcl");
  const command = [path.join(projectRoot(), "tools", "lock-providers.sh"), "--platforms", platforms.join(" "), "--out", out];
  const result = offlineUnavailable ? spawnSync(command[0], command.slice(1), { encoding: "utf8" }) : offlineRun(command, { timeoutSeconds: 300 });
  if (result.status !== 0) throw new Error(`lock-providers.sh failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return fs.readFileSync(out, "utf8");
}

const LOCK_PLATFORMS = lockPlatforms();
if (offlineUnavailable) console.warn(`The lock tool runs WITH network access in this test (it is offline by design, but not proven so here): ${offlineUnavailable}`);
const STALE_HINT = "providers/.terraform.lock.hcl is stale: tools/build-toolchain.sh --all-platforms && tools/lock-providers.sh, then commit it";

describe("staleness (the comparison itself)", () => {
  const committed = parseLock(fs.readFileSync(PROVIDER_LOCK_FILE, "utf8"));

  test("the committed lock parses: providers, each with a version and one h1 hash per locked platform", () => {
    expect(committed.size).toBeGreaterThan(0);
    for (const provider of committed.values()) {
      expect(provider.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(provider.hashes.filter((hash) => hash.startsWith("h1:"))).toHaveLength(LOCK_PLATFORMS.length);
    }
  });

  test("names a hash, version or provider that the committed lock does not have", () => {
    // GIVEN fresh locks that are the committed one with one thing changed
    const [source, locked] = [...committed][0];
    const withFirst = (changed: LockedProvider) => new Map([...committed, [source, changed]]);
    // THEN exactly that is named
    expect(staleness(committed, withFirst({ ...locked, hashes: ["h1:rebuilt="] }))).toEqual([`${source}: the built package's h1:rebuilt= is not in the committed lock`]);
    expect(staleness(committed, withFirst({ ...locked, version: "9.9.9" }))).toEqual([`${source}: version ${locked.version} committed, 9.9.9 built`]);
    expect(staleness(committed, withFirst({ ...locked, constraints: "~> 9.0" }))).toEqual([`${source}: constraints "${locked.constraints}" committed, "~> 9.0" required`]);
    expect(staleness(committed, new Map([...committed, ["example.com/test/added", { version: "0.1.0", hashes: ["h1:added="] }]]))).toEqual([
      `providers: committed ${[...committed.keys()].sort().join(", ")}, built ${[...committed.keys(), "example.com/test/added"].sort().join(", ")}`,
    ]);
    expect(staleness(committed, committed)).toEqual([]);
  });
});

describeWithTofu("providers/.terraform.lock.hcl against the providers built into .tools/providers", () => {
  const committed = () => parseLock(fs.readFileSync(PROVIDER_LOCK_FILE, "utf8"));
  const hostPlatform = (JSON.parse(tofu(projectRoot(), ["version", "-json"]).stdout) as { platform: string }).platform;

  test("this machine's packages: a lock written from the mirror matches the committed one", () => {
    expect(LOCK_PLATFORMS).toContain(hostPlatform);
    const fresh = parseLock(freshLock([hostPlatform]));
    expect(fresh.size).toBeGreaterThan(0);
    expect({ problems: staleness(committed(), fresh), hint: STALE_HINT }).toEqual({ problems: [], hint: STALE_HINT });
  });

  // Every platform's packages are in the mirror only after `tools/build-toolchain.sh --all-platforms` (CI does it).
  const mirror = path.join(projectRoot(), ".tools", "providers");
  const allBuilt = fs.existsSync(TOFU) && [...committed()].every(([source, { version }]) => LOCK_PLATFORMS.every((platform) => fs.existsSync(path.join(mirror, source, version, platform))));
  if (!allBuilt) console.warn(`Provider lock check for ${LOCK_PLATFORMS.join(", ")} SKIPPED: not every platform is built (tools/build-toolchain.sh --all-platforms); this machine's platform is checked`);
  (allBuilt ? test : test.skip)(`every locked platform (${LOCK_PLATFORMS.join(", ")}): the lock tool writes exactly the committed file`, () => {
    expect(freshLock(LOCK_PLATFORMS)).toBe(fs.readFileSync(PROVIDER_LOCK_FILE, "utf8"));
  });
});
