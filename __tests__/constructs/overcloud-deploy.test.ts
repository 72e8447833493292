import { TerraformStack, Testing } from "cdktf";
import { OvercloudDeploy } from "../../constructs/overcloud-deploy";

const props = {
  cloud: "undercloud",
  stackName: "overcloud",
  dialect: "parameter-defaults",
  rendered: { commands: [["overcloud", "deploy", "--templates", "/t"]], files: {} },
  profileCounts: { compute: 1 },
  workDir: "~/w",
};

describe("OvercloudDeploy", () => {
  test("GIVEN compute hosts to observe but no overcloud cloud WHEN a deploy is made THEN it is refused (the stacks always give both)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => new OvercloudDeploy(stack, "Overcloud", { ...props, computeHosts: ["c-0"] })).toThrow(
      'overcloud deploy "s/Overcloud": computeHosts are observed in the overcloud, so overcloudCloud is required',
    );
  });

  test("GIVEN plain props WHEN synthesized THEN the script gets the commands, the profile counts and a fingerprint; the timeout re-runs nothing", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const deploy = new OvercloudDeploy(stack, "Overcloud", { ...props, timeoutMinutes: 30 });
    const resource = JSON.parse(Testing.synth(stack)).resource.terraform_data[deploy.step.resource.friendlyUniqueId];
    expect(resource.input).toMatchObject({
      LABCDK_STEP: "overcloud-deploy",
      OVERCLOUD_DIALECT: "parameter-defaults",
      COMMANDS_JSON: '[["overcloud","deploy","--templates","/t"]]',
      PROFILE_COUNTS_JSON: '{"compute":1}',
      DEPLOY_TIMEOUT_MINUTES: "30",
    });
    expect(Object.keys(resource.triggers_replace)).toEqual(["OS_CLOUD", "OVERCLOUD_STACK", "RENDERED_SHA256"]);
  });
});
