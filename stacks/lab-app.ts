import { App, AppConfig } from "cdktf";
import { Lab } from "../lab/load";
import { OvercloudStack } from "./overcloud-stack";
import { installProviderLock } from "./provider-lock";
import { useStateBackend } from "./state-backend";
import { UndercloudStack } from "./undercloud-stack";

export interface LabApp {
  readonly app: App;
  readonly undercloud: UndercloudStack;
  readonly overcloud: OvercloudStack;
}

/** A cdktf App whose synth also puts the committed provider lock into each stack folder. */
class LockedApp extends App {
  public override synth(): void {
    super.synth();
    installProviderLock(this);
  }
}

/**
 * The cdktf app of one lab: stacks "<lab>-undercloud" and "<lab>-overcloud",
 * so several labs synthesize side by side. Stack traces stay out of the
 * output, so that two synths are byte-identical on any machine. Its synth
 * copies the committed provider lock into each stack folder
 * (`installProviderLock`).
 */
export function labApp(lab: Lab, config: AppConfig = {}): LabApp {
  const app = new LockedApp({ stackTraces: false, ...config });
  const undercloud = new UndercloudStack(app, `${lab.name}-undercloud`, { lab });
  const overcloud = new OvercloudStack(app, `${lab.name}-overcloud`, { lab });
  for (const stack of [undercloud, overcloud]) useStateBackend(stack, lab.state);
  return { app, undercloud, overcloud };
}
