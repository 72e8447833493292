import { OvercloudDialect, Role } from "../lab/schema";

/** What the deploy command is rendered from. */
export interface OvercloudDeployModel {
  readonly dialect: OvercloudDialect;
  readonly stackName: string;
  readonly templatesDir: string;
  /** Roles keyed by TripleO role name. */
  readonly roles: Readonly<Record<string, Role>>;
  readonly neutronTunnelTypes: readonly string[];
  readonly neutronNetworkType?: string;
  readonly environmentFiles: readonly string[];
}

/**
 * Role names of the legacy `--<role>-scale` / `--<role>-flavor` flags of
 * python-tripleoclient before 15 (the runbook's director for OpenStack 8).
 */
export const LEGACY_ROLE_FLAGS: Readonly<Record<string, string>> = {
  Controller: "control",
  Compute: "compute",
  CephStorage: "ceph-storage",
  BlockStorage: "block-storage",
  ObjectStorage: "swift-storage",
};

/**
 * `openstack overcloud deploy` arguments in the `legacy-flags` dialect, in
 * the runbook's order: templates, scales, flavors, Neutron types, `-e` files.
 */
export function legacyDeployArguments(model: OvercloudDeployModel): string[] {
  const roles = Object.entries(model.roles);
  for (const [name] of roles) {
    if (!LEGACY_ROLE_FLAGS[name]) {
      throw new Error(`overcloud.roles.${name}: the legacy-flags dialect has no flags for role "${name}" (it knows ${Object.keys(LEGACY_ROLE_FLAGS).join(", ")}); use dialect parameter-defaults`);
    }
  }
  // The runbook's order: control, ceph-storage, compute scales; then control, compute, ceph-storage flavors.
  const scaleOrder = ["Controller", "CephStorage", "Compute", "BlockStorage", "ObjectStorage"];
  const flavorOrder = ["Controller", "Compute", "CephStorage", "BlockStorage", "ObjectStorage"];
  const args = ["overcloud", "deploy", "--templates", model.templatesDir];
  for (const name of scaleOrder) if (model.roles[name]) args.push(`--${LEGACY_ROLE_FLAGS[name]}-scale`, String(model.roles[name].count));
  for (const name of flavorOrder) if (model.roles[name]) args.push(`--${LEGACY_ROLE_FLAGS[name]}-flavor`, model.roles[name].flavor);
  if (model.neutronTunnelTypes.length > 0) args.push("--neutron-tunnel-types", model.neutronTunnelTypes.join(","));
  if (model.neutronNetworkType) args.push("--neutron-network-type", model.neutronNetworkType);
  for (const file of model.environmentFiles) args.push("-e", file);
  return args;
}

/** The deploy arguments for the model's dialect. */
export function deployArguments(model: OvercloudDeployModel): string[] {
  switch (model.dialect) {
    case "legacy-flags":
      return legacyDeployArguments(model);
    default:
      throw new Error(`overcloud.dialect: "${model.dialect}" is not rendered yet; this version renders "legacy-flags" only`);
  }
}
