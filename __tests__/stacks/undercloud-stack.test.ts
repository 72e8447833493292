import { LabChanges, labWith } from "../helpers/lab-builder";
import { CLASSROOM_LAB, labStacks, resourcesOf, stepNamed as stepOf, synthJson } from "../helpers/synth";

describe("undercloud stack of the classroom lab", () => {
  const { undercloud, lab } = labStacks();
  const json = synthJson(undercloud);
  const steps = resourcesOf(json, "terraform_data");
  const stepNamed = (prefix: string) => stepOf(json, prefix);

  test("compute2 is enrolled with the ipmi hardware type, its BMC, MAC, the file's properties and the lab's capabilities", () => {
    const enroll = stepNamed("Nodes_Enroll_");
    expect(enroll.input).toMatchObject({
      LABCDK_STEP: "enroll-nodes",
      OS_CLOUD: "undercloud",
      NODE_FILE: "labs/classroom/instackenv-onenode.json",
      INTROSPECTION_TIMEOUT_SECONDS: "1800",
      INTROSPECTION_POLL_SECONDS: "10",
      INTROSPECTION_CONCURRENCY: "20",
    });
    // What Ironic gets, in Ironic's field names (the node file says pxe_ipmitool, cpu "2", ...).
    expect(JSON.parse(enroll.input.LABCDK_NODE_COMPUTE2)).toEqual({
      name: "compute2",
      driver: "ipmi",
      driver_info: {
        ipmi_address: "192.168.1.113",
        ipmi_username: "admin",
        deploy_kernel: "${data.openstack_images_image_v2.DeployKernel.id}",
        deploy_ramdisk: "${data.openstack_images_image_v2.DeployRamdisk.id}",
      },
      password_fields: ["ipmi_password"],
      properties: { cpus: 2, memory_mb: 6144, local_gb: 40, cpu_arch: "x86_64" },
      capabilities: { profile: "compute", boot_option: "local" },
      fields: {},
      extra: {},
      ports: [{ address: "52:54:00:00:fa:0d" }],
    });
    expect(Object.keys(enroll.input).filter((k) => k.startsWith("LABCDK_NODE_"))).toEqual(["LABCDK_NODE_COMPUTE2"]);
    expect(json.data.openstack_images_image_v2.DeployKernel.name).toBe("bm-deploy-kernel");
    expect(json.data.openstack_images_image_v2.DeployRamdisk.name).toBe("bm-deploy-ramdisk");
  });

  test("provisioners: the fleet step runs enroll-nodes.sh with its inputs; the machine's destroy unregisters, referencing only self", () => {
    const enroll = stepNamed("Nodes_Enroll_");
    const [create, ...others] = enroll.provisioner.map((p: any) => p["local-exec"]);
    expect(create.command).toMatch(/^bash "\$\{path\.module\}\/assets\/Scripts\/[0-9A-F]+\/enroll-nodes\.sh"$/);
    expect(create.environment).toEqual(enroll.input);
    // Enrolling again (drift) never unregisters: the destroy script sits on the machine resource.
    expect(others).toEqual([]);
    const machine = stepNamed("Node-compute2_Machine_");
    const [destroy, ...more] = machine.provisioner.map((p: any) => p["local-exec"]);
    expect(more).toEqual([]);
    expect(destroy.when).toBe("destroy");
    expect(destroy.command).toMatch(/unenroll-node\.sh"$/);
    expect(destroy.environment).toBe("${self.input}");
    expect(enroll.depends_on).toEqual([machine.address]);
    expect(machine.lifecycle).toBeUndefined();
  });

  test("a machine's identity is only what makes it another machine: cloud, name, driver, BMC, MACs", () => {
    const machine = stepNamed("Node-compute2_Machine_");
    expect(machine.triggers_replace).toEqual({
      OS_CLOUD: "undercloud",
      NODE_NAME: "compute2",
      NODE_DRIVER: "ipmi",
      NODE_BMC_ADDRESS: "192.168.1.113",
      NODE_BMC_PORT: "",
      NODE_BMC_SYSTEM_ID: "",
      NODE_MACS: "52:54:00:00:fa:0d",
    });
    expect(machine.input).toEqual({ LABCDK_STEP: "unenroll-node", ...machine.triggers_replace });
  });

  test("the registration of labcdk 0.1 (<node>/Registration) is forgotten, never destroyed: the node stays in Ironic", () => {
    // The address labcdk 0.1 gave compute2's registration (its state holds it under this name).
    expect(json.removed).toEqual([{ from: "terraform_data.Node-compute2_Registration_914EE740", lifecycle: { destroy: false } }]);
    expect(Object.keys(steps).filter((id) => id.includes("_Registration_"))).toEqual([]);
  });

  test("changes that are not another machine leave the identity alone; each machine change replaces it", () => {
    const identity = (changes: LabChanges) => stepOf(synthJson(labStacks(labWith(CLASSROOM_LAB, changes)).undercloud), "Node-compute2_Machine_").triggers_replace;
    const base = stepNamed("Node-compute2_Machine_").triggers_replace;
    // GIVEN edits that keep the machine: WHEN synthesized THEN the identity is the same.
    expect(identity({ lab: (l) => (l.baremetal.introspectionTimeoutSeconds = 3600) })).toEqual(base);
    expect(identity({ lab: (l) => (l.baremetal.deployKernelImage = "bm-deploy-kernel-2") })).toEqual(base);
    expect(identity({ lab: (l) => (l.baremetal.nodes!.compute2.capabilities = { profile: "compute", boot_option: "netboot" }) })).toEqual(base);
    expect(identity({ node: (n) => Object.assign(n, { cpu: "4", memory: "8192", root_device: { size: 39 }, resource_class: "compute" }) })).toEqual(base);
    // GIVEN edits that make it another machine: THEN the identity differs.
    expect(identity({ node: (n) => (n.pm_addr = "192.168.1.114") }).NODE_BMC_ADDRESS).toBe("192.168.1.114");
    expect(identity({ node: (n) => (n.mac = ["52:54:00:00:fa:0e"]) }).NODE_MACS).toBe("52:54:00:00:fa:0e");
  });

  test("the enrolment re-runs on a node entry, a replaced machine or drift; never on its timeouts or the node file's path", () => {
    const enroll = stepNamed("Nodes_Enroll_");
    const { NODE_FILE, INTROSPECTION_TIMEOUT_SECONDS, INTROSPECTION_POLL_SECONDS, INTROSPECTION_CONCURRENCY, ...fleet } = enroll.input;
    expect(enroll.triggers_replace).toEqual(fleet);
    const observations = resourcesOf(json, "labcdk_observation");
    const [machine, registered, tagged, ...more] = enroll.lifecycle.replace_triggered_by;
    expect(more).toEqual([]);
    expect(machine).toMatch(/^terraform_data\.Node-compute2_Machine_[0-9A-F]+$/);
    const observed = (reference: string) => {
      const [type, name, attribute] = reference.split(".");
      expect([type, attribute]).toEqual(["labcdk_observation", "state"]);
      return observations[name];
    };
    // Two observations for the fleet, whatever its size.
    expect(observed(registered)).toEqual({ provider: "labcdk", check: "ironic-nodes", inputs: { OS_CLOUD: "undercloud", NODE_NAMES: "compute2" }, state: "registered" });
    expect(observed(tagged)).toEqual({
      provider: "labcdk",
      check: "ironic-nodes-capabilities",
      inputs: { OS_CLOUD: "undercloud", NODE_NAMES: "compute2", NODE_CAPABILITIES_COMPUTE2: "profile:compute,boot_option:local" },
      state: "tagged",
    });
    const slower = stepOf(synthJson(labStacks(labWith(CLASSROOM_LAB, { lab: (l) => (l.baremetal.introspectionTimeoutSeconds = 3600) })).undercloud), "Nodes_Enroll_");
    expect(slower.input.INTROSPECTION_TIMEOUT_SECONDS).toBe("3600");
    expect(slower.triggers_replace).toEqual(enroll.triggers_replace);
  });

  test("the overcloud deploy is observed: compute-hosts, every host up", () => {
    const deploy = stepNamed("Overcloud_Deploy_");
    const [reference, ...more] = deploy.lifecycle.replace_triggered_by;
    expect(more).toEqual([]);
    const observations = resourcesOf(json, "labcdk_observation");
    expect(observations[reference.split(".")[1]]).toMatchObject({
      check: "compute-hosts",
      inputs: { OS_CLOUD: "overcloud", COMPUTE_HOSTS: lab.overcloud.computeHosts.join(",") },
      state: lab.overcloud.computeHosts.map((h) => `${h}:up`).join(","),
    });
    expect(Object.keys(observations)).toHaveLength(3);
    // One provider block; the observer travels in the scripts asset (not stored in state).
    expect(json.provider.labcdk).toEqual([
      { observer: ["bash", expect.stringMatching(/^\$\{path\.module\}\/assets\/Scripts\/[0-9A-F]+\/observe-step\.sh$/)], timeout_seconds: 120, concurrency: 4 },
    ]);
    expect(json.terraform.required_providers.labcdk).toEqual({ source: "terraform.local/labcdk/labcdk", version: "0.1.0" });
  });

  test("the overcloud deploy renders the runbook's exact command, after the nodes are enrolled", () => {
    const deploy = stepNamed("Overcloud_Deploy_");
    const commands: string[][] = JSON.parse(deploy.input.COMMANDS_JSON);
    expect(commands).toHaveLength(1);
    expect(commands[0].join(" ")).toBe(
      "overcloud deploy --templates /home/stack/templates " +
        "--control-scale 1 --ceph-storage-scale 1 --compute-scale 2 " +
        "--control-flavor control --compute-flavor compute --ceph-storage-flavor ceph-storage " +
        "--neutron-tunnel-types vxlan --neutron-network-type vxlan " +
        "-e /home/stack/templates/compute-extraconfig.yaml " +
        "-e /home/stack/templates/environments/network-isolation.yaml " +
        "-e /home/stack/templates/network-environment.yaml " +
        "-e /home/stack/templates/environments/storage-environment.yaml " +
        "-e /home/stack/templates/pre-config-fix.yaml",
    );
    expect(JSON.parse(deploy.input.FILES_JSON)).toEqual({});
    expect(deploy.input).toMatchObject({ OS_CLOUD: "undercloud", OVERCLOUD_STACK: "overcloud", OVERCLOUD_DIALECT: "legacy-flags", WORK_DIR: "~/labcdk-overcloud", DEPLOY_TIMEOUT_MINUTES: "90" });
    // The guard against a silent shrink: every profile's node count after the deploy.
    expect(JSON.parse(deploy.input.PROFILE_COUNTS_JSON)).toEqual({ control: 1, compute: 2, "ceph-storage": 1 });
    expect(deploy.depends_on).toEqual([expect.stringMatching(/^terraform_data\.Nodes_Enroll_/)]);
  });

  test("warnings: the legacy dialect names its replacement; the classic driver its hardware type", () => {
    const messages = undercloud.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(messages.sort()).toEqual([
      'node "compute2": classic driver "pxe_ipmitool" is registered as the hardware type "ipmi" (classic drivers were removed from Ironic in Rocky)',
      expect.stringContaining("removed in python-tripleoclient 15 (--neutron-* earlier); later releases take dialect parameter-defaults (ComputeCount, ...) or node-provision"),
    ]);
  });

  test("the deploy re-runs when the rendered commands change, not when the timeout does", () => {
    const deploy = stepNamed("Overcloud_Deploy_");
    expect(Object.keys(deploy.triggers_replace).sort()).toEqual(["OS_CLOUD", "OVERCLOUD_STACK", "RENDERED_SHA256"]);
    expect(deploy.triggers_replace.RENDERED_SHA256).toBe(deploy.input.RENDERED_SHA256);
    expect(deploy.input.RENDERED_SHA256).toMatch(/^[0-9a-f]{64}$/);
    const other = labStacks(labWith(CLASSROOM_LAB, { lab: (l) => (l.overcloud.deployTimeoutMinutes = 120) }));
    const otherDeploy = stepOf(synthJson(other.undercloud), "Overcloud_Deploy_");
    expect(otherDeploy.input.DEPLOY_TIMEOUT_MINUTES).toBe("120");
    expect(otherDeploy.triggers_replace).toEqual(deploy.triggers_replace);
    const scaled = labStacks(labWith(CLASSROOM_LAB, { lab: (l) => (l.overcloud.roles.Compute.count = 1) }));
    const scaledDeploy = stepOf(synthJson(scaled.undercloud), "Overcloud_Deploy_");
    expect(scaledDeploy.triggers_replace.RENDERED_SHA256).not.toBe(deploy.triggers_replace.RENDERED_SHA256);
  });

  test("no scale-in without removed nodes: no drain, no node delete", () => {
    expect(Object.keys(steps).filter((id) => id.startsWith("Drain-") || id.startsWith("OvercloudScaleIn"))).toEqual([]);
  });

  test("the BMC password of the node file appears nowhere in the synthesized JSON", () => {
    expect(lab.nodes[0].name).toBe("compute2");
    // Only the names of the driver_info keys the script fills at apply time.
    const text = JSON.stringify(json).replace(/\bpassword_fields\b|\bipmi_password\b/g, "");
    expect(text).not.toMatch(/password/i);
  });

  test("snapshot (review tripwire)", () => {
    expect(json).toMatchSnapshot();
  });
});

describe("undercloud stack of a scale-in (Compute 3 → 2, overcloud-novacompute-1 leaves)", () => {
  const file = labWith(CLASSROOM_LAB, {
    lab: (l) => {
      l.overcloud.roles.Compute.remove = [{ hostname: "overcloud-novacompute-1", computeHost: "overcloud-novacompute-1.localdomain" }];
      l.overcloud.computeHosts = ["overcloud-novacompute-0.localdomain", "overcloud-novacompute-2.localdomain"];
      l.instances!["lab_test-nodes"].migration!.to = "overcloud-novacompute-2.localdomain";
    },
  });
  const { undercloud } = labStacks(file);
  const scaledJson = synthJson(undercloud);
  const only = (prefix: string) => stepOf(scaledJson, prefix);

  test("three separate steps, in order: drain → node delete → deploy with the lower count", () => {
    const drain = only("Drain-overcloud-novacompute-1_Drain_");
    const remove = only("OvercloudScaleIn_Delete_");
    const deploy = only("Overcloud_Deploy_");
    expect(drain.input).toMatchObject({
      LABCDK_STEP: "drain-compute",
      OS_CLOUD: "overcloud",
      DRAIN_HOST: "overcloud-novacompute-1.localdomain",
      REMAINING_HOSTS: "overcloud-novacompute-0.localdomain,overcloud-novacompute-2.localdomain",
      MIGRATION_KIND: "live",
    });
    expect(remove.depends_on).toEqual([drain.address]);
    expect(remove.input).toMatchObject({ LABCDK_STEP: "overcloud-node-delete", OS_CLOUD: "undercloud", HOSTNAMES: "overcloud-novacompute-1", OVERCLOUD_DIALECT: "legacy-flags" });
    expect(JSON.parse(remove.input.COMMANDS_JSON)).toEqual([["overcloud", "node", "delete", "--stack", "overcloud", "overcloud-novacompute-1"]]);
    expect(deploy.depends_on).toContain(remove.address);
    expect(JSON.parse(deploy.input.COMMANDS_JSON)[0]).toEqual(expect.arrayContaining(["--compute-scale", "2"]));
  });

  test("the drain re-runs only for another host, not for a timeout or remaining-host change", () => {
    const drain = only("Drain-overcloud-novacompute-1_Drain_");
    expect(drain.triggers_replace).toEqual({ OS_CLOUD: "overcloud", DRAIN_HOST: "overcloud-novacompute-1.localdomain" });
  });
});

describe("undercloud stack of nodes with their own deploy images", () => {
  test("a Glance name is looked up once per name (any characters); an ID or a URL goes to Ironic as written", () => {
    const uuid = "0b8c2a63-3b59-4a3b-9d4a-2a1f4a0e7c11";
    const file = labWith(CLASSROOM_LAB, { node: (node) => Object.assign(node, { kernel_id: "ipa/kernel 2026", ramdisk_id: uuid }) });
    const json = synthJson(labStacks(file).undercloud);
    const images = json.data.openstack_images_image_v2;
    expect(Object.keys(images).sort()).toEqual(["DeployKernel", "DeployRamdisk", "NodeImage-ipa_kernel_2026"]);
    expect(images["NodeImage-ipa_kernel_2026"]).toEqual({ name: "ipa/kernel 2026", most_recent: true });
    const spec = JSON.parse(stepOf(json, "Nodes_Enroll_").input.LABCDK_NODE_COMPUTE2);
    expect(spec.driver_info).toMatchObject({
      deploy_kernel: "${data.openstack_images_image_v2.NodeImage-ipa_kernel_2026.id}",
      rescue_kernel: "${data.openstack_images_image_v2.NodeImage-ipa_kernel_2026.id}",
      deploy_ramdisk: uuid,
      rescue_ramdisk: uuid,
    });
  });
});
