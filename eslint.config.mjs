// ESLint (flat config): typescript-eslint's recommended rules on the TypeScript
// that tsconfig.json type-checks, ESLint's recommended rules on the JavaScript
// (bin/, tools/, jest.config.js). `npm run lint`; `npm test` runs it after tsc
// and before jest. Not type-aware (recommendedTypeChecked): tried on this code,
// it took three times as long as this and reported about 850 findings, nearly
// all no-unsafe-* on JSON (synthesized stacks, CLI output) that is untyped by
// nature. docs/development.md, "Code checks".
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated, installed or built: not ours to lint. The fixtures are data (labcdk 0.1's synthesized stack).
    ignores: ["node_modules/", ".gen/", ".tools/", "dist/", "**/cdktf.out/", "coverage/", "bench/out/", "__tests__/fixtures/"],
  },
  {
    // An eslint-disable comment that disables nothing is an error: each one left says what it allows.
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // `const { A, B, ...rest } = o` to leave A and B out of rest is an idiom (tsc's noUnusedLocals allows it too).
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    // The tests read JSON that has no type: synthesized Terraform JSON and the openstack CLI's `-f json`
    // rows. `any` there says what the data is; the code the tests exercise keeps the rule.
    files: ["__tests__/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
  },
  {
    files: ["**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
);
