/**
 * Prints (stdout) a Terraform JSON configuration that requires every provider
 * labcdk uses: each one cdktf.json's `terraformProviders` lists and each one a
 * stack of a lab in labs/ requires, with all their version constraints.
 * tools/lock-providers.sh locks it. Run with
 *   node --require ts-node/register/transpile-only tools/provider-requirements.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadLab } from "../lab/load";
import { projectRoot } from "../lab/project-root";
import { labApp } from "../stacks/lab-app";
import { normalizeProviderSource, requiredProviders } from "../stacks/provider-lock";

function main(): void {
  const root = projectRoot();
  const labsDir = path.join(root, "labs");
  const labFiles = fs
    .readdirSync(labsDir)
    .map((name) => path.join(labsDir, name, "lab.yaml"))
    .filter((file) => fs.existsSync(file))
    .sort();
  const required = requiredProviders(labFiles.flatMap((file) => {
    const { undercloud, overcloud } = labApp(loadLab(file));
    return [undercloud, overcloud];
  }));

  const config = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { terraformProviders?: (string | { source?: string; name?: string; version?: string })[] };
  for (const entry of config.terraformProviders ?? []) {
    const [source, version] = typeof entry === "string" ? entry.split("@").map((part) => part.trim()) : [entry.source ?? entry.name ?? "", entry.version];
    const normalized = normalizeProviderSource(source);
    const constraints = required.get(normalized) ?? new Set<string>();
    if (version) constraints.add(version);
    required.set(normalized, constraints);
  }

  // Local names must be unique; the type name is, unless two namespaces share one.
  const requiredProvidersBlock: Record<string, { source: string; version?: string }> = {};
  for (const [source, constraints] of [...required].sort(([a], [b]) => a.localeCompare(b))) {
    let name = source.split("/")[2];
    while (requiredProvidersBlock[name]) name = `${name}_`;
    requiredProvidersBlock[name] = { source, ...(constraints.size ? { version: [...constraints].sort().join(", ") } : {}) };
  }
  process.stdout.write(`${JSON.stringify({ terraform: { required_providers: requiredProvidersBlock } }, null, 2)}\n`);
}

main();
