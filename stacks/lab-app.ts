import { App, AppConfig } from "cdktf";
import { Lab } from "../lab/load";
import { resolveLab } from "../lab/model";
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
  const model = resolveLab(lab);
  const undercloud = new UndercloudStack(app, `${model.name}-undercloud`, { model });
  const overcloud = new OvercloudStack(app, `${model.name}-overcloud`, { model });
  for (const stack of [undercloud, overcloud]) useStateBackend(stack, model.state);
  return { app, undercloud, overcloud };
}
