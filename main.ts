// The cdktf app: the lab named by LAB_CONFIG (default: the built-in classroom lab)
// as two stacks, "<lab>-undercloud" and "<lab>-overcloud".
import { App } from "cdktf";
import { LabInputError, labFileFromEnvironment, loadLab } from "./lab";
import { OvercloudStack } from "./stacks/overcloud-stack";
import { UndercloudStack } from "./stacks/undercloud-stack";

function main(): void {
  const app = new App();
  const lab = loadLab(labFileFromEnvironment());
  new UndercloudStack(app, `${lab.name}-undercloud`, { lab });
  new OvercloudStack(app, `${lab.name}-overcloud`, { lab });
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof LabInputError)) throw error;
  console.error(error.message);
  process.exit(1);
}
