// The cdktf app: the lab named by LAB_CONFIG (default: the built-in classroom lab)
// as two stacks, "<lab>-undercloud" and "<lab>-overcloud".
import { LabInputError, labFileFromEnvironment, loadLab } from "./lab";
import { labApp } from "./stacks/lab-app";

try {
  labApp(loadLab(labFileFromEnvironment())).app.synth();
} catch (error) {
  if (!(error instanceof LabInputError)) throw error;
  console.error(error.message);
  process.exit(1);
}
