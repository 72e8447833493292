import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadLab } from "../../lab";
import { labApp } from "../../stacks/lab-app";
import { installProviderLock, lockPlatforms, normalizeProviderSource, PROVIDER_LOCK_FILE, requiredProviders } from "../../stacks/provider-lock";
import { CLASSROOM_LAB, TESTBED_LAB } from "../helpers/synth";

const committedLock = () => fs.readFileSync(PROVIDER_LOCK_FILE, "utf8");
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-lock-test-"));

describe("the committed provider lock in every stack folder", () => {
  test("a lab's synth puts the committed lock into each of its stack folders", () => {
    // GIVEN an empty output folder
    const outdir = tempDir();
    // WHEN the lab's app synthesizes (as main.ts, and so `cdktf synth`/`diff`, does)
    labApp(loadLab(TESTBED_LAB), { outdir }).app.synth();
    // THEN both stack folders hold the committed lock, byte for byte
    for (const stack of ["testbed-undercloud", "testbed-overcloud"]) {
      expect(fs.readFileSync(path.join(outdir, "stacks", stack, ".terraform.lock.hcl"), "utf8")).toBe(committedLock());
    }
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
    expect(fs.readFileSync(stale, "utf8")).toBe(committedLock());
    expect(warnings).toEqual([`labcdk: replacing ${stale}, which differs from the committed ${path.relative(process.cwd(), PROVIDER_LOCK_FILE)}`]);
  });

  test("without the committed lock, synth fails and says how to write it", () => {
    const { app } = labApp(loadLab(TESTBED_LAB), { outdir: tempDir() });
    app.synth();
    expect(() => installProviderLock(app, { lockFile: "/nonexistent/.terraform.lock.hcl", platform: "linux_amd64" })).toThrow(
      '/nonexistent/.terraform.lock.hcl does not exist: write it with tools/lock-providers.sh (README: "Provider lock file")',
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

  test("LOCK_PLATFORMS is read from tools/versions.env and includes linux_amd64", () => {
    expect(lockPlatforms()).toContain("linux_amd64");
    expect(lockPlatforms(path.join(__dirname, "..", "..", "tools", "versions.env")).every((platform) => /^[a-z0-9]+_[a-z0-9]+$/.test(platform))).toBe(true);
  });
});

describe("requiredProviders", () => {
  test("the classroom lab's stacks require the OpenStack provider at the version of the bindings", () => {
    const { undercloud, overcloud } = labApp(loadLab(CLASSROOM_LAB));
    expect(requiredProviders([undercloud, overcloud])).toEqual(new Map([["registry.terraform.io/terraform-provider-openstack/openstack", new Set(["3.4.0"])]]));
  });

  test("source addresses are normalized as Terraform does", () => {
    expect(normalizeProviderSource("openstack")).toBe("registry.terraform.io/hashicorp/openstack");
    expect(normalizeProviderSource("terraform-provider-openstack/openstack")).toBe("registry.terraform.io/terraform-provider-openstack/openstack");
    expect(normalizeProviderSource("terraform.local/labcdk/labcdk")).toBe("terraform.local/labcdk/labcdk");
  });
});
