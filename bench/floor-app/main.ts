// The floor of `npm run bench:synth-cli`: a cdktf app with one resource and
// nothing of labcdk's, synthesized by the same cdktf CLI and the same app
// runner as the project's `npm run synth` (bench/floor-app/cdktf.json).
import { App, TerraformResource, TerraformStack } from "cdktf";

const app = new App();
const stack = new TerraformStack(app, "floor");
new TerraformResource(stack, "one", { terraformResourceType: "terraform_data" });
app.synth();
