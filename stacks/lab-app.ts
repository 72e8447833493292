import { App, AppConfig, LocalBackend, TerraformStack } from "cdktf";
import { Lab } from "../lab/load";
import { OvercloudStack } from "./overcloud-stack";
import { UndercloudStack } from "./undercloud-stack";

export interface LabApp {
  readonly app: App;
  readonly undercloud: UndercloudStack;
  readonly overcloud: OvercloudStack;
}

/**
 * The cdktf app of one lab: stacks "<lab>-undercloud" and "<lab>-overcloud",
 * so several labs synthesize side by side. Stack traces stay out of the
 * output, so that two synths are byte-identical on any machine.
 */
export function labApp(lab: Lab, config: AppConfig = {}): LabApp {
  const app = new App({ stackTraces: false, ...config });
  const undercloud = new UndercloudStack(app, `${lab.name}-undercloud`, { lab });
  const overcloud = new OvercloudStack(app, `${lab.name}-overcloud`, { lab });
  for (const stack of [undercloud, overcloud]) useProjectStateFile(stack);
  return { app, undercloud, overcloud };
}

/**
 * Local state next to cdktf.out (where cdktf keeps it by default), written as
 * a path relative to the stack folder so the output holds no absolute path
 * of this machine. Tofu runs in cdktf.out/stacks/<stack>.
 */
function useProjectStateFile(stack: TerraformStack): void {
  new LocalBackend(stack, { path: `../../../terraform.${stack.node.id}.tfstate` });
}
