import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadLab } from "../../lab";
import { labApp } from "../../stacks/lab-app";
import { installProviderLock, lockPlatforms, normalizeProviderSource, PROVIDER_LOCK_FILE, requiredProviders, stackLock } from "../../stacks/provider-lock";
import { CLASSROOM_LAB, TESTBED_LAB } from "../helpers/synth";

const OPENSTACK = "registry.terraform.io/terraform-provider-openstack/openstack";
const LABCDK = "terraform.local/labcdk/labcdk";
const committedLock = () => fs.readFileSync(PROVIDER_LOCK_FILE, "utf8");
/** The committed lock as a stack that requires the OpenStack provider and labcdk's own (observations) gets it. */
const stacksLock = () => stackLock(committedLock(), [OPENSTACK, LABCDK]).text;
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-lock-test-"));

/** A lock as tofu writes it, for two providers. */
const TWO_PROVIDERS = `# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "example.com/test/alpha" {
  version     = "1.0.0"
  constraints = "1.0.0"
  hashes = [
    "h1:alpha=",
  ]
}

provider "example.com/test/beta" {
  version = "2.0.0"
  hashes = [
    "h1:beta=",
  ]
}
`;

describe("stackLock", () => {
  test("keeps the header and the blocks of the providers asked for, as tofu writes a lock of those alone", () => {
    expect(stackLock(TWO_PROVIDERS, ["example.com/test/beta"])).toEqual({
      text: `# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "example.com/test/beta" {
  version = "2.0.0"
  hashes = [
    "h1:beta=",
  ]
}
`,
      missing: [],
    });
  });

  test("all providers: the lock itself; an unknown one is reported missing", () => {
    expect(stackLock(TWO_PROVIDERS, ["example.com/test/beta", "example.com/test/alpha"]).text).toBe(TWO_PROVIDERS);
    expect(stackLock(TWO_PROVIDERS, ["example.com/test/alpha", "example.com/test/gamma"]).missing).toEqual(["example.com/test/gamma"]);
  });
});

describe("the committed provider lock in every stack folder", () => {
  test("a lab's synth puts the committed lock into each of its stack folders", () => {
    // GIVEN an empty output folder
    const outdir = tempDir();
    // WHEN the lab's app synthesizes (as main.ts, and so `cdktf synth`/`diff`, does)
    labApp(loadLab(TESTBED_LAB), { outdir }).app.synth();
    // THEN both stack folders hold the committed lock's blocks of the providers these stacks require, byte for byte
    for (const stack of ["testbed-undercloud", "testbed-overcloud"]) {
      expect(fs.readFileSync(path.join(outdir, "stacks", stack, ".terraform.lock.hcl"), "utf8")).toBe(stacksLock());
    }
    expect(stacksLock()).toContain(`provider "${OPENSTACK}" {`);
    expect(stacksLock()).toContain(`provider "${LABCDK}" {`);
  });

  test("a lock that differs in a stack folder is replaced, and said so", () => {
    // GIVEN a synthesized lab whose overcloud folder got another lock (e.g. from `tofu init -upgrade`)
    const outdir = tempDir();
    const { app } = labApp(loadLab(TESTBED_LAB), { outdir });
    app.synth();
    const stale = path.join(outdir, "stacks", "testbed-overcloud", ".terraform.lock.hcl");
    fs.writeFileSync(stale, "# another lock\n");
    const warnings: string[] = [];
    // WHEN the lock is installed again
    installProviderLock(app, { platform: "linux_amd64", warn: (message) => warnings.push(message) });
    // THEN it is the committed one again, and only that folder was named
    expect(fs.readFileSync(stale, "utf8")).toBe(stacksLock());
    expect(warnings).toEqual([`labcdk: replacing ${stale}, which differs from the committed ${path.relative(process.cwd(), PROVIDER_LOCK_FILE)}`]);
  });

  test("a provider a stack requires but the committed lock lacks is named (cdktf would run providers lock)", () => {
    const outdir = tempDir();
    const { app } = labApp(loadLab(TESTBED_LAB), { outdir });
    app.synth();
    const lockFile = path.join(tempDir(), ".terraform.lock.hcl");
    fs.writeFileSync(lockFile, TWO_PROVIDERS);
    const warnings: string[] = [];
    installProviderLock(app, { lockFile, platform: "linux_amd64", warn: (message) => warnings.push(message) });
    expect(warnings.filter((warning) => warning.includes("does not lock"))).toEqual(
      ["testbed-undercloud", "testbed-overcloud"].map((stack) => `labcdk: ${stack} requires ${OPENSTACK}, ${LABCDK}, which ${path.relative(process.cwd(), lockFile)} does not lock: re-lock (tools/lock-providers.sh; docs/operating.md, "Provider lock file")`),
    );
  });

  test("without the committed lock, synth fails and says how to write it", () => {
    const { app } = labApp(loadLab(TESTBED_LAB), { outdir: tempDir() });
    app.synth();
    expect(() => installProviderLock(app, { lockFile: "/nonexistent/.terraform.lock.hcl", platform: "linux_amd64" })).toThrow(
      '/nonexistent/.terraform.lock.hcl does not exist: write it with tools/lock-providers.sh (docs/operating.md, "Provider lock file")',
    );
  });

  test("on a platform the lock does not cover, no lock is copied (tofu init would refuse the local package), and a note says why", () => {
    // GIVEN a synthesized lab on a machine that is none of LOCK_PLATFORMS
    const outdir = tempDir();
    const { app } = labApp(loadLab(TESTBED_LAB), { outdir });
    app.synth();
    for (const stack of ["testbed-undercloud", "testbed-overcloud"]) fs.rmSync(path.join(outdir, "stacks", stack, ".terraform.lock.hcl"));
    const warnings: string[] = [];
    // WHEN the lock is installed there
    installProviderLock(app, { platform: "darwin_arm64", warn: (message) => warnings.push(message) });
    // THEN no stack folder has a lock, and the note names the platforms and what to do
    for (const stack of ["testbed-undercloud", "testbed-overcloud"]) expect(fs.existsSync(path.join(outdir, "stacks", stack, ".terraform.lock.hcl"))).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`covers ${lockPlatforms().join(", ")}, not darwin_arm64`);
    expect(warnings[0]).toContain("add it to LOCK_PLATFORMS in tools/versions.env");
  });

  test("the upgrade test's old stack folder (__tests__/fixtures/upgrade-0.1) carries the committed lock: its init checks today's mirror", () => {
    const fixture = path.join(__dirname, "..", "fixtures", "upgrade-0.1", "upgrade-undercloud", ".terraform.lock.hcl");
    expect(fs.readFileSync(fixture, "utf8")).toBe(stacksLock());
  });

  test("LOCK_PLATFORMS is read from tools/versions.env and includes linux_amd64", () => {
    expect(lockPlatforms()).toContain("linux_amd64");
    expect(lockPlatforms(path.join(__dirname, "..", "..", "tools", "versions.env")).every((platform) => /^[a-z0-9]+_[a-z0-9]+$/.test(platform))).toBe(true);
  });
});

describe("requiredProviders", () => {
  test("the classroom lab's stacks require the OpenStack provider and labcdk's own at the versions of the bindings", () => {
    const { undercloud, overcloud } = labApp(loadLab(CLASSROOM_LAB));
    expect(requiredProviders([undercloud, overcloud])).toEqual(
      new Map([
        [OPENSTACK, new Set(["3.4.0"])],
        [LABCDK, new Set(["0.1.0"])],
      ]),
    );
  });

  test("source addresses are normalized as Terraform does", () => {
    expect(normalizeProviderSource("openstack")).toBe("registry.terraform.io/hashicorp/openstack");
    expect(normalizeProviderSource("terraform-provider-openstack/openstack")).toBe("registry.terraform.io/terraform-provider-openstack/openstack");
    expect(normalizeProviderSource("terraform.local/labcdk/labcdk")).toBe("terraform.local/labcdk/labcdk");
  });
});
