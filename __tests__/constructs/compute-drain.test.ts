import { TerraformStack, Testing } from "cdktf";
import { ComputeDrain } from "../../constructs/compute-drain";

// The lab loader refuses both cases for a lab file; these guard the construct used on its own.
describe("ComputeDrain", () => {
  test("GIVEN no remaining host WHEN a drain is made THEN it is refused: the instances would have nowhere to go", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => new ComputeDrain(stack, "Drain", { cloud: "overcloud", computeHost: "c-1", remainingHosts: [] })).toThrow("s/Drain: draining c-1 needs at least one remaining compute host");
  });

  test("GIVEN the drained host among the remaining ones WHEN a drain is made THEN it is refused", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => new ComputeDrain(stack, "Drain", { cloud: "overcloud", computeHost: "c-1", remainingHosts: ["c-0", "c-1"] })).toThrow("s/Drain: c-1 cannot be both drained and a remaining host");
  });
});
