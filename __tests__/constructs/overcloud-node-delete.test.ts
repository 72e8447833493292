import { TerraformStack, Testing } from "cdktf";
import { OvercloudNodeDelete } from "../../constructs/overcloud-node-delete";

describe("OvercloudNodeDelete", () => {
  test("GIVEN no hostname WHEN a node delete is made THEN it is refused: there is nothing to delete", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(
      () =>
        new OvercloudNodeDelete(stack, "ScaleIn", { cloud: "undercloud", stackName: "overcloud", dialect: "legacy-flags", hostnames: [], rendered: { commands: [], files: {} }, workDir: "~/w" }),
    ).toThrow("s/ScaleIn: hostnames is empty; there is nothing to delete");
  });
});
