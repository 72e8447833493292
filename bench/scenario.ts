/**
 * One benchmark scenario, run in its own process by bench/run.ts:
 *   node dist/bench/scenario.js <floor|lab> <outdir> [lab file]
 * Synthesizes, then prints {"maxRssKb": N} for the parent to collect.
 */
import { App, TerraformResource, TerraformStack } from "cdktf";

const [kind, outdir, labFile] = process.argv.slice(2);
if (kind === "floor") {
  // The floor: a cdktf app with one resource and nothing of ours.
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "floor");
  new TerraformResource(stack, "one", { terraformResourceType: "terraform_data" });
  app.synth();
} else if (kind === "lab") {
  // Loaded here only, so that the floor loads nothing of labcdk.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a static import would load labcdk for the floor too
  const { loadLab } = require("../lab/load") as typeof import("../lab/load");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- likewise
  const { labApp } = require("../stacks/lab-app") as typeof import("../stacks/lab-app");
  labApp(loadLab(labFile), { outdir }).app.synth();
} else {
  throw new Error(`bench/scenario: unknown kind "${kind}" (floor or lab)`);
}
console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
