/**
 * The lab definition file: its schema and types.
 *
 * A lab file is YAML (see docs/lab-file.md). It describes one lab: the two
 * clouds, the bare-metal node file, the overcloud roles, the tenant networks
 * and the test instances with where they live. Parsing and cross-checks live
 * in `load.ts`; constructs consume the parsed `Lab` only.
 */
import * as z from "zod";
import { parseAddress, parseCidr } from "./addresses";

/** Names that become Terraform addresses and shell-visible values. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const safeName = (what: string) =>
  z.string().regex(SAFE_NAME, {
    message: `${what} must start with a letter or digit and use only letters, digits, "_", "." and "-" (at most 63 characters)`,
  });

const hostName = z
  .string()
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, { message: "must be a host name (letters, digits, '.', '-')" });

const absolutePath = z.string().regex(/^\/\S*$/, { message: "must be an absolute path (the overcloud commands run in overcloud.workDir)" });

/** A network, IPv4 or IPv6, parsed (lab/addresses.ts). */
const cidr = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
});
/** An IPv6 network. */
const cidrV6 = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  else if (parsed.version !== 6) ctx.addIssue({ code: "custom", message: "must be an IPv6 network such as 2001:db8:1::/64 (the network's own cidr is its IPv4 one)" });
});
/** An address Neutron can give as a floating IP: IPv4 only. */
const floatingAddress = z.string().superRefine((text, ctx) => {
  const parsed = parseAddress(text);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  else if (parsed.version !== 4) ctx.addIssue({ code: "custom", message: "is an IPv6 address: Neutron's floating IPs are IPv4 (an IPv6 instance is reached on its own address)" });
});

export const CloudsSchema = z
  .object({
    /** `OS_CLOUD` name of the undercloud (Ironic, Glance deploy images, Heat). */
    undercloud: z.string().min(1).default("undercloud"),
    /** `OS_CLOUD` name of the overcloud (Nova, Neutron, Glance). */
    overcloud: z.string().min(1).default("overcloud"),
  })
  .strict();

export const BaremetalNodeSettingsSchema = z
  .object({
    /** Capabilities to merge into the node's `properties/capabilities` (the runbook's profile tag). */
    capabilities: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.string().regex(/^[^,:]+$/)).default({}),
  })
  .strict();

export const BaremetalSchema = z
  .object({
    /** instackenv-style JSON, relative to the lab file. */
    nodeFile: z.string().min(1),
    /** Glance images written to driver_info deploy_kernel / deploy_ramdisk (the runbook's `configure boot`). */
    deployKernelImage: z.string().min(1).default("bm-deploy-kernel"),
    deployRamdiskImage: z.string().min(1).default("bm-deploy-ramdisk"),
    /** Introspection wait: the whole wait and the poll interval. */
    introspectionTimeoutSeconds: z.number().int().positive().default(1800),
    introspectionPollSeconds: z.number().int().positive().default(10),
    /** Introspections at once on the applying machine (TripleO's default: 20). Terraform's -parallelism (default 10) bounds it too. */
    introspectionConcurrency: z.number().int().positive().default(20),
    /** Per-node settings, keyed by node name. */
    nodes: z.record(safeName("node name"), BaremetalNodeSettingsSchema).default({}),
    /**
     * Ironic nodes registered before this lab, outside its node file (the
     * runbook's controller, compute1, ceph), with the profile each is tagged
     * with. Only counted by the check that every role count has tagged nodes.
     */
    existingNodes: z.record(safeName("node name"), z.object({ profile: z.string().min(1) }).strict()).default({}),
  })
  .strict();

export const MIGRATION_KINDS = ["cold", "live", "block-live"] as const;

export const OVERCLOUD_DIALECTS = ["legacy-flags", "parameter-defaults", "node-provision"] as const;

/**
 * Role names of the legacy `--<role>-scale` / `--<role>-flavor` flags of
 * python-tripleoclient before 15: the roles dialect legacy-flags can express.
 */
export const LEGACY_ROLE_FLAGS: Readonly<Record<string, string>> = {
  Controller: "control",
  Compute: "compute",
  CephStorage: "ceph-storage",
  BlockStorage: "block-storage",
  ObjectStorage: "swift-storage",
};

/** A node leaving its role (scale-in). */
export const RemovedNodeSchema = z
  .object({
    /** Overcloud server name of the node, as `overcloud node delete` takes it (overcloud-novacompute-1). */
    hostname: hostName,
    /**
     * Its Nova compute host in the overcloud (overcloud-novacompute-1.localdomain):
     * drained — disabled, its instances migrated to the remaining hosts — before
     * the delete. Omit for nodes that run no instances.
     */
    computeHost: hostName.optional(),
  })
  .strict();

export const RoleSchema = z
  .object({
    /** Nodes of the role after the apply. */
    count: z.number().int().min(0),
    /** Nova flavor of the role (`--compute-flavor compute`); unused by dialect node-provision. */
    flavor: z.string().min(1),
    /** Ironic profile capability nodes of this role are tagged with. */
    profile: z.string().min(1),
    /**
     * Scale-in: the nodes that leave. Lowering a count requires naming them;
     * they are drained, then deleted, before the deploy with the lower count.
     */
    remove: z.array(RemovedNodeSchema).default([]),
  })
  .strict();

export const OvercloudSchema = z
  .object({
    /** Heat stack name. */
    stackName: safeName("stack name").default("overcloud"),
    /** How the deploy command expresses scale (see docs/overcloud.md, "Overcloud dialects"). */
    dialect: z.enum(OVERCLOUD_DIALECTS).default("legacy-flags"),
    /** Heat templates (`--templates`), absolute: the commands run in workDir. */
    templatesDir: absolutePath,
    /** Roles keyed by TripleO role name (Controller, Compute, CephStorage, ...). */
    roles: z.record(safeName("role name"), RoleSchema),
    neutronTunnelTypes: z.array(z.string().min(1)).default([]),
    neutronNetworkType: z.string().min(1).optional(),
    /** `-e` files, in order. Order matters: later files override earlier ones. */
    environmentFiles: z.array(absolutePath).default([]),
    /** Nova compute host names of the overcloud, as instances are pinned to them. */
    computeHosts: z.array(hostName).min(1),
    /** Upper bound of one deploy run. */
    deployTimeoutMinutes: z.number().int().positive().default(90),
    /** How a drained compute host's instances move (scale-in). */
    drainMigrationKind: z.enum(MIGRATION_KINDS).default("live"),
    /**
     * Folder on the applying machine (the director) where generated files are
     * written and the overcloud commands run; "~/" is the user's home.
     */
    workDir: z.string().regex(/^(\/|~\/)/, { message: 'must be an absolute path or start with "~/"' }).default("~/labcdk-overcloud"),
    /**
     * Run the overcloud deploy from this lab. false: the overcloud exists and is
     * managed elsewhere; the lab only uses its compute hosts (e.g. the test bed).
     */
    deploy: z.boolean().default(true),
  })
  .strict();

/** How instances on an IPv6 subnet get their addresses (Neutron's ipv6_address_mode, and ipv6_ra_mode alike). */
export const IPV6_ADDRESS_MODES = ["slaac", "dhcpv6-stateful", "dhcpv6-stateless"] as const;

/** The IPv6 subnet of a dual-stack network. */
export const Ipv6SubnetSchema = z
  .object({
    subnet: safeName("subnet name"),
    cidr: cidrV6,
    addressMode: z.enum(IPV6_ADDRESS_MODES).optional(),
    /** DHCP on this subnet. @default the network's `dhcp` */
    dhcp: z.boolean().optional(),
  })
  .strict();

export const NetworkSchema = z
  .object({
    subnet: safeName("subnet name"),
    /** The subnet's network, IPv4 (192.168.1.0/24) or IPv6 (2001:db8:1::/64). */
    cidr,
    /** Only for an IPv6 `cidr`: how instances get addresses. @default Neutron's (none: addresses only through the API) */
    addressMode: z.enum(IPV6_ADDRESS_MODES).optional(),
    /** A second, IPv6 subnet on the same network (dual stack); `cidr` is then the IPv4 one. */
    ipv6: Ipv6SubnetSchema.optional(),
    /** true: the lab creates network and subnet; false: they exist and are looked up by name. */
    create: z.boolean().default(false),
    dhcp: z.boolean().default(true),
    /** External network usable as floating IP pool. */
    external: z.boolean().default(false),
  })
  .strict();

export const RouterSchema = z
  .object({
    /** External network the router's gateway sits on. */
    externalNetwork: safeName("network name"),
    /** Subnets (by network name) the router has interfaces on. */
    interfaces: z.array(safeName("network name")).min(1),
  })
  .strict();

/** A Neutron/Nova UUID, as `labcdk import` writes them into `adopt:` fields. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const uuid = z.string().regex(UUID, { message: "must be a UUID such as 5c3f2a3e-0d7b-4e4a-9a0e-3f1f1c2b9d10 (lower-case, as OpenStack prints it)" });

/** The rules of the security group that exist already (written by `labcdk import`): the first plan imports them instead of creating new ones. */
export const SecurityGroupAdoptSchema = z
  .object({
    /** Neutron id of the ingress ICMP rule (IPv4, 0.0.0.0/0). */
    icmpRuleId: uuid.optional(),
    /** Neutron id of the ingress SSH rule (IPv4, tcp/22, 0.0.0.0/0). */
    sshRuleId: uuid.optional(),
  })
  .strict();

export const SecurityGroupSchema = z
  .object({
    name: z.string().min(1).default("default"),
    allowIcmp: z.boolean().default(true),
    allowSsh: z.boolean().default(false),
    /** Rules that exist already and are adopted (imported) rather than created. */
    adopt: SecurityGroupAdoptSchema.optional(),
  })
  .strict();

export const FlavorSchema = z
  .object({
    vcpus: z.number().int().positive(),
    ramMb: z.number().int().positive(),
    diskGb: z.number().int().min(0),
    swapMb: z.number().int().min(0).default(0),
    /** true: the lab creates the flavor; false: it exists and is looked up by name. */
    create: z.boolean().default(false),
  })
  .strict();

export const REACHABILITY_CHECKS = ["ping", "api", "none"] as const;

export const MigrationSchema = z
  .object({
    /** Host the instance should live on after the migration. */
    to: hostName,
    kind: z.enum(MIGRATION_KINDS).default("cold"),
  })
  .strict();

export const FloatingIpSchema = z
  .object({
    /** External network the address comes from. */
    pool: safeName("network name"),
    /** A pre-allocated address to use instead of allocating a new one. */
    address: floatingAddress.optional(),
  })
  .strict();

export const InstanceSchema = z
  .object({
    image: z.string().min(1),
    flavor: z.string().min(1),
    network: safeName("network name"),
    availabilityZone: z.string().min(1).default("nova"),
    /** Compute host the instance is booted on (`--availability-zone nova:HOST`). */
    host: hostName,
    floatingIp: FloatingIpSchema.optional(),
    /**
     * How to check the instance answers on its floating IP after association
     * and after a migration: ping (the runbook's), api (what the API can
     * prove, no packet sent; for clouds without a data plane), none.
     */
    reachabilityCheck: z.enum(REACHABILITY_CHECKS).default("ping"),
    migration: MigrationSchema.optional(),
    /** The instance exists already (written by `labcdk import`): the first plan imports it instead of booting another. */
    adopt: z
      .object({
        /** Nova id of the server. */
        serverId: uuid,
        /** Neutron id of its port on `network`. */
        portId: uuid,
        /** Neutron id of its floating IP (needs `floatingIp`). @default - no floating IP adopted */
        floatingIpId: uuid.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const stateName = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'must use only letters, digits, "_", "." and "-" (at most 40)' });

/**
 * Where each stack's Terraform state lives. Credentials never go here: they
 * come from the environment of the machine that plans/applies (PG_CONN_STR;
 * AWS_* for s3; TF_HTTP_USERNAME/TF_HTTP_PASSWORD for http).
 */
export const StateSchema = z.discriminatedUnion("backend", [
  /** A file per stack next to cdktf.out/ (the default). No locking across machines. */
  z.object({ backend: z.literal("local") }).strict(),
  /** PostgreSQL, with locking; one schema per stack: <schemaPrefix>_<stack>. Connection: PG_CONN_STR. */
  z.object({ backend: z.literal("pg"), schemaPrefix: stateName.default("labcdk") }).strict(),
  /** S3 or an S3-compatible store (Ceph RGW, MinIO); key <keyPrefix>/<stack>.tfstate; locking with a DynamoDB table. */
  z
    .object({
      backend: z.literal("s3"),
      bucket: z.string().min(1),
      keyPrefix: z.string().min(1).default("labcdk"),
      region: z.string().min(1),
      endpoint: z.string().url().optional(),
      usePathStyle: z.boolean().default(false),
      dynamodbTable: z.string().min(1).optional(),
    })
    .strict(),
  /** An HTTP state service (e.g. GitLab's Terraform state); address/<stack>, locking when lockAddress is given. */
  z.object({ backend: z.literal("http"), address: z.string().url(), lockAddress: z.string().url().optional(), unlockAddress: z.string().url().optional() }).strict(),
]);
export type StateBackend = z.infer<typeof StateSchema>;

export const LabSchema = z
  .object({
    /** Lab name: prefix of the stack names, so several labs coexist. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { message: "lab name must be lower-case letters, digits and '-', starting with a letter" }),
    description: z.string().optional(),
    clouds: CloudsSchema.default({ undercloud: "undercloud", overcloud: "overcloud" }),
    /** Where state lives. @default local files */
    state: StateSchema.default({ backend: "local" }),
    baremetal: BaremetalSchema,
    overcloud: OvercloudSchema,
    networks: z.record(safeName("network name"), NetworkSchema).default({}),
    routers: z.record(safeName("router name"), RouterSchema).default({}),
    securityGroup: SecurityGroupSchema.default({ name: "default", allowIcmp: true, allowSsh: false }),
    flavors: z.record(z.string().min(1), FlavorSchema).default({}),
    instances: z.record(safeName("instance name"), InstanceSchema).default({}),
  })
  .strict();

export type LabFile = z.infer<typeof LabSchema>;
export type Role = z.infer<typeof RoleSchema>;
export type RemovedNode = z.infer<typeof RemovedNodeSchema>;
export type Network = z.infer<typeof NetworkSchema>;
export type Ipv6Subnet = z.infer<typeof Ipv6SubnetSchema>;
export type Ipv6AddressMode = (typeof IPV6_ADDRESS_MODES)[number];
export type Router = z.infer<typeof RouterSchema>;
export type Flavor = z.infer<typeof FlavorSchema>;
export type Instance = z.infer<typeof InstanceSchema>;
export type Migration = z.infer<typeof MigrationSchema>;
export type InstanceAdopt = NonNullable<Instance["adopt"]>;
export type SecurityGroupAdopt = z.infer<typeof SecurityGroupAdoptSchema>;
export type OvercloudDialect = (typeof OVERCLOUD_DIALECTS)[number];
export type MigrationKind = (typeof MIGRATION_KINDS)[number];
export type ReachabilityCheck = (typeof REACHABILITY_CHECKS)[number];
