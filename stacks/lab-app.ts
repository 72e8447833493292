import { App, AppConfig } from "cdktf";
import { Lab } from "../lab/load";
import { OvercloudStack } from "./overcloud-stack";
import { useStateBackend } from "./state-backend";
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
  for (const stack of [undercloud, overcloud]) useStateBackend(stack, lab.state);
  return { app, undercloud, overcloud };
}
