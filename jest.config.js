/**
 * Two projects:
 * - "zed": every test; the integration tests run against the default test bed (Zed, `testbed/up`).
 * - "epoxy": the integration tests listed in EPOXY_TESTS, again, against the Epoxy bed
 *   (`testbed/up --release epoxy`, state in $LABCDK_TESTBED_EPOXY_DIR or ~/.cache/labcdk/testbed-epoxy).
 *   A test is written once; __tests__/helpers/testbed.ts reads which bed from LABCDK_TESTBED_DIR,
 *   which the project's setup file sets. Without that bed they are skipped and say why
 *   (with LABCDK_REQUIRE_TESTBED=1, as in CI, that is a failure).
 * docs/development.md ("Which tests run on which release") lists the choice and the reasons.
 */

/** Integration tests that run on Epoxy too: enrolment with Ironic's own inspection and its BMC drivers, instances, migrations, drift, verify, scale-in, import. */
const EPOXY_TESTS = [
  "bmc",
  "undercloud",
  "introspection",
  "fleet",
  "overcloud",
  "created-network",
  "drift",
  "verify",
  "scale-in",
  "import",
];

/** @type {import('jest').Config} */
const common = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  // `import ... from "labcdk"` (examples/) is the entry point, index.ts, as tsconfig.json's paths say.
  moduleNameMapper: { "^labcdk$": "<rootDir>/index.ts" },
};

/** @type {import('jest').Config} */
module.exports = {
  // OpenTofu runs (validate, apply of script steps) take seconds each.
  testTimeout: 300000,
  // Tests that start tofu in parallel on 2 cores only slow each other down.
  maxWorkers: 2,
  projects: [
    { ...common, displayName: "zed", testMatch: ["**/*.test.ts"] },
    {
      ...common,
      displayName: "epoxy",
      testMatch: EPOXY_TESTS.map((name) => `**/__tests__/integration/${name}.test.ts`),
      setupFiles: ["<rootDir>/__tests__/helpers/on-epoxy.ts"],
    },
  ],
};
