/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  // OpenTofu runs (validate, apply of script steps) take seconds each.
  testTimeout: 300000,
  // Tests that start tofu in parallel on 2 cores only slow each other down.
  maxWorkers: 2,
};
