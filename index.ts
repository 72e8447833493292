/**
 * labcdk as a construct library: what a cdktf app of your own imports from
 * `labcdk` (docs/library.md).
 *
 * Exported, and why:
 * - the constructs (`constructs/`), each with its `XxxProps`: the building
 *   blocks of a lab, with plain documented props and nothing of the lab file;
 * - the two stacks and `labApp`, with `loadLab` / `resolveLab`: a whole lab
 *   from a lab file, as `main.ts` builds it (the stacks take the resolved
 *   `LabModel`);
 * - the helpers that compute construct props the way a lab file does, so an
 *   app without a lab file need not write them by hand: `readNodeFile` and
 *   `ironicNodeSpec` (a node-file entry → `BaremetalNode`'s `spec`),
 *   `renderDeploy` / `renderNodeDelete` (roles and dialect → the overcloud
 *   commands `OvercloudDeploy` runs), `useStateBackend`;
 * - the generated provider bindings a user needs beside the constructs: the
 *   `openstack` provider the constructs' resources use (one provider block per
 *   stack, so it must be the same class), labcdk's own provider (created by
 *   `StepObservation` itself), and the two resources the stacks add directly
 *   (flavors, the deploy image look-up). The rest of the bindings ship in the
 *   package (the constructs import them) but are not part of the entry point.
 *
 * Only re-exports here.
 */

// Constructs
export { BaremetalNode, type BaremetalNodeProps } from "./constructs/baremetal-node";
export { ComputeDrain, type ComputeDrainProps } from "./constructs/compute-drain";
export { InstanceMigration, type InstanceMigrationProps, type MigrationKind } from "./constructs/instance-migration";
export { LabRouter, type LabRouterProps } from "./constructs/lab-router";
export { NodeEnrollment, type NodeEnrollmentProps } from "./constructs/node-enrollment";
export { type OvercloudCommands, OvercloudDeploy, type OvercloudDeployProps } from "./constructs/overcloud-deploy";
export { OvercloudNodeDelete, type OvercloudNodeDeleteProps } from "./constructs/overcloud-node-delete";
export { ScriptStep, type ScriptStepObservation, type ScriptStepProps } from "./constructs/script-step";
export { SecurityRules, type SecurityRulesProps } from "./constructs/security-rules";
export { type ObservationCheck, StepObservation, type StepObservationProps } from "./constructs/step-observation";
export type { InputsOf, StepDeclaration, StepInputs } from "./constructs/steps";
export { type Ipv6AddressMode, type SubnetProps, TenantNetwork, type TenantNetworkProps } from "./constructs/tenant-network";
export { type ReachabilityCheck, TestInstance, type TestInstanceProps } from "./constructs/test-instance";

// Stacks: a whole lab from a lab file
export { type LabApp, labApp } from "./stacks/lab-app";
export { OvercloudStack, type OvercloudStackProps } from "./stacks/overcloud-stack";
export { useStateBackend } from "./stacks/state-backend";
export { UndercloudStack, type UndercloudStackProps } from "./stacks/undercloud-stack";
export { LabInputError } from "./lab/errors";
export { DEFAULT_LAB_FILE, type Lab, loadLab } from "./lab/load";
export { type LabModel, resolveLab } from "./lab/model";
export type { OvercloudDialect, Role, StateBackend } from "./lab/schema";

// Props the way a lab file computes them
export { type BaremetalNodeDefinition, type NodeFile, readNodeFile } from "./lab/instackenv";
export { type IronicNodeSpec, ironicNodeSpec, type IronicPortSpec, type NodeImages } from "./lab/ironic-fields";
export { type OvercloudModel, type RenderedCommands, renderDeploy, renderNodeDelete } from "./lab/overcloud-dialects";

// Provider bindings (generated from the recorded provider schemas, .gen/)
export { ComputeFlavorV2, type ComputeFlavorV2Config } from "./.gen/providers/openstack/compute-flavor-v2";
export { DataOpenstackImagesImageV2, type DataOpenstackImagesImageV2Config } from "./.gen/providers/openstack/data-openstack-images-image-v2";
export { OpenstackProvider, type OpenstackProviderConfig } from "./.gen/providers/openstack/provider";
export { LabcdkProvider, type LabcdkProviderConfig } from "./.gen/providers/labcdk/provider";
