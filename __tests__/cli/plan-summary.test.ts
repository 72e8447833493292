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

/** A fleet enrolment step's inputs with the given node entries. */
const fleet = (nodes: Record<string, object>) => ({
  LABCDK_STEP: "enroll-nodes",
  OS_CLOUD: "undercloud",
  ...Object.fromEntries(Object.entries(nodes).map(([name, spec]) => [`LABCDK_NODE_${name.toUpperCase()}`, JSON.stringify({ name, driver: "ipmi", ...spec })])),
});

describe("plan-summary", () => {
  test("GIVEN new steps and resources THEN counts, steps in the lab's words, nothing destructive", () => {
    const summary = summarizePlans([
      {
        stack: "lab-undercloud",
        plan: {
          resource_changes: [
            step("terraform_data.Node-compute2_Registration_1", ["create"], { LABCDK_STEP: "unenroll-node", NODE_NAME: "compute2" }),
            step("terraform_data.Nodes_Enroll_1", ["create"], fleet({ compute2: { cpus: 2 }, compute3: { cpus: 4 } })),
            step("terraform_data.Overcloud_Deploy_1", ["create"], {
              LABCDK_STEP: "overcloud-deploy",
              OVERCLOUD_STACK: "overcloud",
              COMMANDS_JSON: JSON.stringify([["overcloud", "deploy", "--control-scale", "1", "--compute-scale", "2"]]),
            }),
            { address: "data.openstack_images_image_v2.DeployKernel", mode: "data", type: "openstack_images_image_v2", change: { actions: ["read"] } },
          ],
        },
      },
    ]);
    expect(summary.destructive).toBe(false);
    expect(summary.markdown).toContain("Nothing is destroyed or replaced.");
    expect(summary.markdown).toContain("| 3 | 0 | 0 | 0 |");
    expect(summary.markdown).toContain("1. register + introspect + tag 2 node(s): compute2, compute3\n");
    expect(summary.markdown).toContain("2. overcloud deploy of stack overcloud (control-scale 1, compute-scale 2)");
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
      { stack: "lab-undercloud", plan: { resource_changes: [step("terraform_data.Node-compute2_Registration_1", ["delete"], { LABCDK_STEP: "unenroll-node", NODE_NAME: "compute2" })] } },
    ]);
    expect(summary.destructive).toBe(true);
    const [head] = summary.markdown.split("### lab-overcloud");
    expect(head).toContain("**Destructive changes — review before applying:**");
    expect(head).toContain("- **lab-overcloud**: replace `openstack_compute_instance_v2.Instance-lab_test-nodes_Server_1` (lab_test-nodes)");
    expect(head).toContain("- **lab-undercloud**: unregister node compute2 from Ironic");
    expect(summary.markdown).toContain("| 0 | 1 | 1 | 0 |");
  });

  test("GIVEN a node whose identity changed THEN the unregistering that comes first is flagged with what changed, and the enrolment runs", () => {
    const identity = { OS_CLOUD: "undercloud", NODE_NAME: "n1", NODE_DRIVER: "ipmi", NODE_BMC_ADDRESS: "10.0.0.1", NODE_MACS: "52:54:00:00:00:01" };
    const moved = { ...identity, NODE_DRIVER: "redfish", NODE_BMC_ADDRESS: "https://10.0.0.1" };
    const machine: ResourceChange = {
      address: "terraform_data.Node-n1_Machine_1",
      mode: "managed",
      type: "terraform_data",
      change: {
        actions: ["delete", "create"],
        before: { input: { LABCDK_STEP: "unenroll-node", ...identity }, triggers_replace: identity },
        after: { input: { LABCDK_STEP: "unenroll-node", ...moved }, triggers_replace: moved },
      },
    };
    const summary = summarizePlans([
      {
        stack: "u",
        plan: { resource_changes: [machine, step("terraform_data.Nodes_Enroll_1", ["delete", "create"], fleet({ n1: { driver: "redfish" }, n2: {} }), fleet({ n1: {}, n2: {} }))] },
      },
    ]);
    expect(summary.destructive).toBe(true);
    expect(summary.markdown).toContain(
      "- **u**: unregister node n1 from Ironic first (it is registered again: the machine's identity changed: NODE_DRIVER ipmi → redfish, NODE_BMC_ADDRESS 10.0.0.1 → https://10.0.0.1)",
    );
    expect(summary.markdown).toMatch(/Lab steps that will run:\n\n1\. register \+ introspect \+ tag 2 node\(s\): n1, n2 \(new or changed: n1; nodes already done are only checked\)\n$/);
  });

  test("GIVEN the upgrade from labcdk 0.1 (its registration forgotten, a Machine created) THEN nothing is destructive and the forget is explained", () => {
    const forgotten: ResourceChange = {
      address: "terraform_data.Node-n1_Registration_914EE740",
      mode: "managed",
      type: "terraform_data",
      change: { actions: ["forget"], before: { input: { LABCDK_STEP: "unenroll-node", NODE_NAME: "n1" } }, after: null },
    };
    const summary = summarizePlans([
      { stack: "u", plan: { resource_changes: [forgotten, step("terraform_data.Node-n1_Machine_1", ["create"], { LABCDK_STEP: "unenroll-node", NODE_NAME: "n1" })] } },
    ]);
    expect(summary.destructive).toBe(false);
    expect(summary.markdown).toContain("Nothing is destroyed or replaced.");
    expect(summary.markdown).toContain(
      "- forget `terraform_data.Node-n1_Registration_914EE740`: node n1's registration of an earlier labcdk; its Machine resource takes it over, nothing changes in the cloud",
    );
    expect(summary.markdown).toContain("| 1 | 0 | 0 | 0 |");
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

  test("GIVEN drift (a node deleted by hand) THEN the observation is named and the enrolment re-runs, not flagged as unregistering", () => {
    const input = fleet({ compute1: {}, compute2: {} });
    const summary = summarizePlans([
      {
        stack: "lab-undercloud",
        plan: {
          resource_changes: [
            {
              address: "labcdk_observation.Nodes_Registered_1",
              mode: "managed",
              type: "labcdk_observation",
              change: {
                actions: ["update"],
                before: { check: "ironic-nodes", inputs: { OS_CLOUD: "undercloud", NODE_NAMES: "compute1,compute2" }, state: "compute2: absent" },
                after: { check: "ironic-nodes", inputs: { OS_CLOUD: "undercloud", NODE_NAMES: "compute1,compute2" }, state: "registered" },
              },
            },
            { ...step("terraform_data.Nodes_Enroll_1", ["delete", "create"], input), action_reason: "replace_by_triggers" } as ResourceChange,
          ],
        },
      },
    ]);
    expect(summary.markdown).toContain("Drift observed at refresh (the steps below run again to fix it):\n\n- ironic-nodes: observed `compute2: absent`, the lab wants `registered`");
    expect(summary.markdown).toContain("1. register + introspect + tag 2 node(s): compute1, compute2 (no node entry changed: drift, or a registration replaced; nodes already done are only checked)");
    expect(summary.markdown).not.toContain("unregister");
    expect(summary.destructive).toBe(false);
  });

  test("GIVEN a node removed from the lab THEN its registration's destroy is flagged as unregistering, and nothing runs at its create", () => {
    const registration = { LABCDK_STEP: "unenroll-node", NODE_NAME: "compute3" };
    const removed = summarizePlans([{ stack: "lab-undercloud", plan: { resource_changes: [step("terraform_data.Node-compute3_Registration_1", ["delete"], registration)] } }]);
    expect(removed.destructive).toBe(true);
    expect(removed.markdown).toContain("**lab-undercloud**: unregister node compute3 from Ironic");
    const added = summarizePlans([{ stack: "lab-undercloud", plan: { resource_changes: [step("terraform_data.Node-compute3_Registration_1", ["create"], registration)] } }]);
    expect(added.destructive).toBe(false);
    expect(added.markdown).not.toContain("Lab steps that will run");
  });

  test("GIVEN a fleet of 25 nodes, one removed THEN the step lists ten names and the count, and names the removed node", () => {
    const names = Array.from({ length: 25 }, (_, i) => `n${String(i).padStart(2, "0")}`);
    const before = fleet(Object.fromEntries(names.map((n) => [n, {}])));
    const after = fleet(Object.fromEntries(names.slice(0, 24).map((n) => [n, {}])));
    const summary = summarizePlans([{ stack: "u", plan: { resource_changes: [step("terraform_data.Nodes_Enroll_1", ["delete", "create"], after, before)] } }]);
    expect(summary.markdown).toContain("1. register + introspect + tag 24 node(s): n00, n01, n02, n03, n04, n05, n06, n07, n08, n09 and 14 more (removed: n24; nodes already done are only checked)");
  });

  test("GIVEN steps removed that have no destroy script (an upgrade from per-node enrolment) THEN they are listed as changing nothing, not as destructive", () => {
    const summary = summarizePlans([
      {
        stack: "u",
        plan: {
          resource_changes: [
            step("terraform_data.Node-n1_Enroll_1", ["delete"], { LABCDK_STEP: "enroll-node", NODE_NAME: "n1" }),
            step("terraform_data.Nodes_Enroll_1", ["create"], fleet({ n1: {} })),
          ],
        },
      },
    ]);
    expect(summary.destructive).toBe(false);
    expect(summary.markdown).toContain("- destroy `terraform_data.Node-n1_Enroll_1`: its enroll-node step has nothing to undo, nothing changes in the cloud");
    expect(summary.markdown).toContain("1. register + introspect + tag 1 node(s): n1");
  });

  test("GIVEN imports (labcdk import's adopt: ids) THEN each is an adopt line with its id, the in-place change counted, nothing destructive", () => {
    const imported = (type: string, address: string, actions: string[], id: string, name?: string): ResourceChange => ({
      address: `${type}.${address}`,
      mode: "managed",
      type,
      change: { actions, before: { name: name ?? "" }, after: { name: name ?? "" }, importing: { id } },
    });
    const summary = summarizePlans([
      {
        stack: "mylab-overcloud",
        plan: {
          resource_changes: [
            imported("openstack_compute_instance_v2", "Instance-vm_Server_1", ["no-op"], "s-1", "vm"),
            imported("openstack_networking_port_v2", "Instance-vm_Port_1", ["update"], "p-1", "vm-port"),
            step("terraform_data.Instance-vm_Reachability_1", ["create"], { LABCDK_STEP: "check-reachability", INSTANCE_NAME: "vm", FLOATING_IP: "127.200.0.5", REACHABILITY_CHECK: "api" }),
          ],
        },
      },
    ]);
    expect(summary.destructive).toBe(false);
    expect(summary.markdown).toContain("Adopted (existing resources imported):");
    expect(summary.markdown).toContain("- adopt `openstack_compute_instance_v2.Instance-vm_Server_1` (vm) from s-1: imported into the state, nothing created\n");
    expect(summary.markdown).toContain("- adopt `openstack_networking_port_v2.Instance-vm_Port_1` (vm-port) from p-1: imported into the state, nothing created; then changed in place");
    expect(summary.markdown).toContain("| 1 | 1 | 0 | 0 |");
    expect(summary.markdown).not.toContain("No changes.");
  });

  test("GIVEN an empty plan THEN it says no changes", () => {
    const summary = summarizePlans([{ stack: "s", plan: { resource_changes: [] } }]);
    expect(summary).toEqual({ destructive: false, markdown: expect.stringContaining("No changes.") });
  });

  test("GIVEN a step of a kind labcdk does not declare (named like an Object property) THEN it is a plain script step, run at create, nothing destructive", () => {
    const summary = summarizePlans([{ stack: "lab-undercloud", plan: { resource_changes: [step("terraform_data.Odd_1", ["delete", "create"], { LABCDK_STEP: "constructor", X: "1" })] } }]);
    expect(summary.destructive).toBe(false);
    expect(summary.markdown).toContain("1. script step constructor");
  });
});
