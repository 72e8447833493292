/**
 * Two toolkits, one code base (issue 19, point 2; evaluation): every built-in
 * lab synthesized by labcdk's unchanged code on cdktf 0.21 (the project's
 * toolkit) and on CDK Terrain 0.24 (tools/cdktn: its runtime, and bindings
 * from its own generator) gives the same files, and the same JSON apart from
 * the toolkit's version stamp.
 *
 * Needs .tools/cdktn (tools/cdktn/install.sh, run by `npm test`); skipped with
 * a note without it, a failure with LABCDK_REQUIRE_CDKTN set.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { CDKTN_HOOK, CDKTN_PREFIX, cdktnInstalled, cdktnVersion, describeWithCdktn } from "../helpers/cdktn";

const ROOT = projectRoot();

const LABS = ["classroom", "classroom-dev", "testbed"];
const version = (dir: string, name: string) => JSON.parse(fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")).version as string;

/** Synthesizes LAB with the toolkit (`cdktf`: the project's; `cdktn`: through the hook) into a fresh folder. */
function synth(lab: string, toolkit: "cdktf" | "cdktn"): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `labcdk-${toolkit}-${lab}-`));
  const preload = toolkit === "cdktn" ? ["--require", CDKTN_HOOK] : [];
  const result = spawnSync(process.execPath, [...preload, "--require", "ts-node/register/transpile-only", "main.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, LAB_CONFIG: path.join(ROOT, "labs", lab, "lab.yaml"), CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1" },
  });
  if (result.status !== 0) throw new Error(`${toolkit} synth of ${lab} failed (exit ${result.status}):\n${result.stderr}`);
  return out;
}

/** Every file under DIR, relative, sorted. */
const files = (dir: string) =>
  (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();

/** A synthesized JSON file with the toolkit's version stamp taken out, and the stamp. */
function unstamped(file: string): { json: Record<string, unknown>; stamp: string } {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  const holder = path.basename(file) === "manifest.json" ? json : json["//"].metadata;
  const stamp = holder.version;
  delete holder.version;
  return { json, stamp };
}

describeWithCdktn()("GIVEN labcdk's code on cdktf 0.21 and on CDK Terrain 0.24", () => {
  jest.setTimeout(300000);
  // A skipped describe still runs its body: read the versions only where cdktn is installed.
  const cdktfVersion = cdktnInstalled ? version(ROOT, "cdktf") : "";
  const cdktnStamp = cdktnInstalled ? cdktnVersion() : "";

  test("THEN the CDK Terrain build's bindings come from its own generator (they import cdktn, not cdktf)", () => {
    const binding = fs.readFileSync(path.join(CDKTN_PREFIX, "gen", "providers", "openstack", "compute-instance-v2", "index.js"), "utf8");
    expect(binding).toMatch(/require\("cdktn"\)/);
    expect(binding).not.toMatch(/require\("cdktf"\)/);
  });

  test("THEN the hook sends the project's .gen/ to the CDK Terrain bindings, and cdktf to cdktn", () => {
    const probe = spawnSync(process.execPath, ["--require", CDKTN_HOOK, "-p", 'require.resolve("./.gen/providers/openstack/compute-instance-v2") + "\\n" + require.resolve("cdktf")'], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(probe.stdout.trim().split("\n")).toEqual([
      path.join(CDKTN_PREFIX, "gen", "providers", "openstack", "compute-instance-v2", "index.js"),
      path.join(CDKTN_PREFIX, "node_modules", "cdktn", "lib", "index.js"),
    ]);
  });

  test.each(LABS)("WHEN the built-in lab %s is synthesized with both THEN the files are the same, the JSON the same apart from the version stamp", (lab) => {
    const [byCdktf, byCdktn] = [synth(lab, "cdktf"), synth(lab, "cdktn")];
    try {
      expect(files(byCdktn)).toEqual(files(byCdktf));
      const jsonFiles = files(byCdktf).filter((file) => file === "manifest.json" || file.endsWith("cdk.tf.json"));
      expect(jsonFiles.filter((file) => file.endsWith("cdk.tf.json"))).toHaveLength(2);
      for (const file of jsonFiles) {
        const [a, b] = [unstamped(path.join(byCdktf, file)), unstamped(path.join(byCdktn, file))];
        expect([file, a.stamp, b.stamp]).toEqual([file, cdktfVersion, cdktnStamp]);
        expect([file, b.json]).toEqual([file, a.json]);
      }
      for (const file of files(byCdktf).filter((f) => !jsonFiles.includes(f))) {
        expect([file, fs.readFileSync(path.join(byCdktn, file), "utf8")]).toEqual([file, fs.readFileSync(path.join(byCdktf, file), "utf8")]);
      }
    } finally {
      fs.rmSync(byCdktf, { recursive: true, force: true });
      fs.rmSync(byCdktn, { recursive: true, force: true });
    }
  });
});
