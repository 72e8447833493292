// The cdktf app: the lab named by LAB_CONFIG (default: the built-in classroom lab)
// as two stacks, "<lab>-undercloud" and "<lab>-overcloud".
// Bad input ends in its one-line error; anything else is a bug and says so (labcdk's CLI does the same).
import { environmentProblem, internalError, LabInputError, labFileFromEnvironment, loadLab } from "./lab";
import { EXIT } from "./cli/exit-codes";
import { labApp } from "./stacks/lab-app";

try {
  labApp(loadLab(labFileFromEnvironment(), process.env.LAB_CONFIG ? "LAB_CONFIG" : undefined)).app.synth();
} catch (error) {
  // The CLI's exit codes (cli/exit-codes.ts): 1 for what the user can fix (the lab, the machine), 70 for a bug.
  const fixable = error instanceof LabInputError ? error.message : environmentProblem(error);
  console.error(fixable ?? internalError(error));
  process.exit(fixable !== undefined ? EXIT.refused : EXIT.bug);
}
