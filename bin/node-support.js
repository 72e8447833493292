// The Node.js versions labcdk supports: the lines that are not end-of-life, as
// package.json "engines" says (^22.19.0 || ^24.0.0 || >=26.0.0; 22.19 is the
// first 22.x that CDK Terrain's CLI accepts). tools/lts applies the same rule
// (__tests__/tools/node-runtime.test.ts checks all three agree).
"use strict";

/** Whether VERSION ("26.10.0", "v20.20.2") is on a supported line. */
function isSupportedNode(version) {
  const [major, minor] = String(version).replace(/^v/, "").split(".").map(Number);
  if (!Number.isInteger(major) || !Number.isInteger(minor)) return false;
  if (major === 22) return minor >= 19;
  return major === 24 || major >= 26;
}

module.exports = { isSupportedNode };
