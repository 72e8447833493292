// Preloaded (`node --require tools/cdktn/use-cdktn.js …`) to run labcdk's
// unchanged code on CDK Terrain instead of cdktf 0.21:
//   "cdktf", "cdktf/…"       → cdktn of .tools/cdktn (a rename of cdktf 0.21's API)
//   "constructs"             → the constructs of .tools/cdktn (cdktn wants >= 10.6, the project has 10.4:
//                              one copy for everything, or `instanceof Construct` fails across two)
//   <project>/.gen/…         → .tools/cdktn/gen/… (the bindings cdktn's own generator made)
// Nothing else changes: zod, yaml and labcdk's modules load from the project.
"use strict";
const Module = require("node:module");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const prefix = path.join(root, ".tools", "cdktn");
const projectGen = path.join(root, ".gen") + path.sep;
const cdktnGen = path.join(prefix, "gen") + path.sep;
const fromPrefix = (request) => require.resolve(request, { paths: [prefix] });

const original = Module._resolveFilename;
let redirecting = false; // require.resolve below comes through here again
Module._resolveFilename = function resolveForCdktn(request, parent, ...rest) {
  if (!redirecting) {
    const cdktf = request === "cdktf" || request.startsWith("cdktf/");
    if (cdktf || request === "constructs" || request.startsWith("constructs/")) {
      redirecting = true;
      try {
        return fromPrefix(cdktf ? `cdktn${request.slice("cdktf".length)}` : request);
      } finally {
        redirecting = false;
      }
    }
  }
  const resolved = original.call(this, request, parent, ...rest);
  return resolved.startsWith(projectGen) ? original.call(this, cdktnGen + resolved.slice(projectGen.length), parent, ...rest) : resolved;
};
