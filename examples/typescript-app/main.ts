// A cdktf app of your own that builds the classroom lab from labcdk's
// constructs (classroom.ts): stacks lab-undercloud and lab-overcloud in
// cdktf.out/ (`npm run synth`, or `cdktf synth` with cdktf-cli).
import * as path from "node:path";
import { App } from "cdktf";
import { ClassroomOvercloud, ClassroomUndercloud } from "./classroom";

const app = new App({ stackTraces: false });
new ClassroomUndercloud(app, "lab-undercloud", { nodeFile: path.join(__dirname, "instackenv-onenode.json") });
new ClassroomOvercloud(app, "lab-overcloud");
app.synth();
