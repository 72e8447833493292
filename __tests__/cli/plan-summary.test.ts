/**
 * plan-summary's classification on small plans written here (the shapes of
 * `tofu show -json`); the same code on real plans from the test bed is in
 * __tests__/integration/plan-summary.test.ts.
 */
import { ResourceChange, summarizePlans } from "../../cli/plan-summary";

const step = (address: string, actions: string[], input: Record<string, string>, before = actions[0] === "create" ? null : input): ResourceChange => ({
  address,
  mode: "managed",
  type: "terraform_data",
  change: { actions, before: before && { input: before }, after: actions.includes("create") || actions[0] === "update" ? { input } : null },
});

describe("plan-summary", () => {
  test("GIVEN new steps and resources THEN counts, steps in the lab's words, nothing destructive", () => {
    const summary = summarizePlans([
      {
        stack: "lab-undercloud",
        plan: {
          resource_changes: [
            step("terraform_data.Node-compute2_Enroll_1", ["create"], { LABCDK_STEP: "enroll-node", NODE_NAME: "compute2", NODE_DRIVER: "ipmi" }),
            step("terraform_data.Node-compute2_Tag_1", ["create"], { LABCDK_STEP: "tag-node", NODE_NAME: "compute2", NODE_CAPABILITIES: "profile:compute,boot_option:local" }),
            step("terraform_data.Overcloud_Deploy_1", ["create"], {
              LABCDK_STEP: "overcloud-deploy",
              OVERCLOUD_STACK: "overcloud",
              DEPLOY_ARGUMENTS_JSON: JSON.stringify(["overcloud", "deploy", "--control-scale", "1", "--compute-scale", "2"]),
            }),
            { address: "data.openstack_images_image_v2.DeployKernel", mode: "data", type: "openstack_images_image_v2", change: { actions: ["read"] } },
          ],
        },
      },
    ]);
    expect(summary.destructive).toBe(false);
    expect(summary.markdown).toContain("Nothing is destroyed or replaced.");
    expect(summary.markdown).toContain("| 3 | 0 | 0 | 0 |");
    expect(summary.markdown).toContain("1. register + introspect node compute2 (ipmi)");
    expect(summary.markdown).toContain("2. tag node compute2 with profile:compute,boot_option:local");
    expect(summary.markdown).toContain("3. overcloud deploy of stack overcloud (control-scale 1, compute-scale 2)");
  });

  test("GIVEN an instance replaced and a node's enrolment destroyed THEN both are listed first as destructive", () => {
    const summary = summarizePlans([
      {
        stack: "lab-overcloud",
        plan: {
          resource_changes: [
            {
              address: "openstack_compute_instance_v2.Instance-lab_test-nodes_Server_1",
              mode: "managed",
              type: "openstack_compute_instance_v2",
              change: { actions: ["delete", "create"], before: { name: "lab_test-nodes" }, after: { name: "lab_test-nodes" } },
            },
            step("terraform_data.Migration-lab_test-nodes_Migrate_1", ["update"], { LABCDK_STEP: "migrate-instance", INSTANCE_NAME: "lab_test-nodes" }),
          ],
        },
      },
      { stack: "lab-undercloud", plan: { resource_changes: [step("terraform_data.Node-compute2_Enroll_1", ["delete"], { LABCDK_STEP: "enroll-node", NODE_NAME: "compute2" })] } },
    ]);
    expect(summary.destructive).toBe(true);
    const [head] = summary.markdown.split("### lab-overcloud");
    expect(head).toContain("**Destructive changes — review before applying:**");
    expect(head).toContain("- **lab-overcloud**: replace `openstack_compute_instance_v2.Instance-lab_test-nodes_Server_1` (lab_test-nodes)");
    expect(head).toContain("- **lab-undercloud**: unregister node compute2 from Ironic");
    expect(summary.markdown).toContain("| 0 | 1 | 1 | 0 |");
  });

  test("GIVEN a replaced enrolment step THEN the unregistering that comes first is flagged", () => {
    const summary = summarizePlans([
      { stack: "u", plan: { resource_changes: [step("terraform_data.Node-n1_Enroll_1", ["delete", "create"], { LABCDK_STEP: "enroll-node", NODE_NAME: "n1", NODE_DRIVER: "redfish" })] } },
    ]);
    expect(summary.destructive).toBe(true);
    expect(summary.markdown).toContain("- **u**: unregister node n1 from Ironic first (its step is replaced: register + introspect node n1 (redfish))");
  });

  test("GIVEN a scale-in THEN the drain and the node delete are separate steps, both listed first as destructive, and the deploy shows the lower count", () => {
    const summary = summarizePlans([
      {
        stack: "lab-undercloud",
        plan: {
          resource_changes: [
            step("terraform_data.Drain-overcloud-novacompute-1_Drain_1", ["create"], {
              LABCDK_STEP: "drain-compute",
              DRAIN_HOST: "overcloud-novacompute-1.localdomain",
              REMAINING_HOSTS: "overcloud-novacompute-0.localdomain",
              MIGRATION_KIND: "live",
            }),
            step("terraform_data.OvercloudScaleIn_Delete_1", ["create"], { LABCDK_STEP: "overcloud-node-delete", HOSTNAMES: "overcloud-novacompute-1", OVERCLOUD_STACK: "overcloud" }),
            step("terraform_data.Overcloud_Deploy_1", ["delete", "create"], {
              LABCDK_STEP: "overcloud-deploy",
              OVERCLOUD_STACK: "overcloud",
              OVERCLOUD_DIALECT: "parameter-defaults",
              COMMANDS_JSON: JSON.stringify([["overcloud", "deploy", "-e", "labcdk-parameters.yaml"]]),
              FILES_JSON: JSON.stringify({ "labcdk-parameters.yaml": "parameter_defaults:\n  ControllerCount: 1\n  ComputeCount: 1\n  OvercloudComputeFlavor: compute\n" }),
            }),
          ],
        },
      },
    ]);
    expect(summary.destructive).toBe(true);
    const [destructive, rest] = summary.markdown.split("### lab-undercloud");
    expect(destructive).toContain("compute host overcloud-novacompute-1.localdomain is disabled and its instances move to overcloud-novacompute-0.localdomain (live migration)");
    expect(destructive).toContain("overcloud node(s) overcloud-novacompute-1 are deleted from stack overcloud (scale-in; after the drains)");
    expect(rest).toContain("1. drain compute host overcloud-novacompute-1.localdomain: disable it, live-migrate its instances to overcloud-novacompute-0.localdomain");
    expect(rest).toContain("2. delete overcloud node(s) overcloud-novacompute-1 from stack overcloud");
    expect(rest).toContain("3. overcloud deploy of stack overcloud, dialect parameter-defaults (ControllerCount 1, ComputeCount 1)");
  });

  test("GIVEN a node-provision deploy THEN its counts come from baremetal_deployment.yaml", () => {
    const summary = summarizePlans([
      {
        stack: "lab-undercloud",
        plan: {
          resource_changes: [
            step("terraform_data.Overcloud_Deploy_1", ["create"], {
              LABCDK_STEP: "overcloud-deploy",
              OVERCLOUD_STACK: "lab",
              OVERCLOUD_DIALECT: "node-provision",
              COMMANDS_JSON: JSON.stringify([["overcloud", "node", "provision"], ["overcloud", "deploy"]]),
              FILES_JSON: JSON.stringify({ "baremetal_deployment.yaml": "- name: Controller\n  count: 1\n- name: Compute\n  count: 3\n" }),
            }),
          ],
        },
      },
    ]);
    expect(summary.destructive).toBe(false);
    expect(summary.markdown).toContain("1. overcloud deploy of stack lab, dialect node-provision (Controller 1, Compute 3)");
  });

  test("GIVEN an empty plan THEN it says no changes", () => {
    const summary = summarizePlans([{ stack: "s", plan: { resource_changes: [] } }]);
    expect(summary).toEqual({ destructive: false, markdown: expect.stringContaining("No changes.") });
  });
});
