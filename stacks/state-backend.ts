import { HttpBackend, LocalBackend, PgBackend, S3Backend, TerraformStack } from "cdktf";
import { StateBackend } from "../lab/schema";

/**
 * Puts a stack's state where the lab says, one state per stack. Nothing
 * secret is written: credentials come from the environment at plan/apply
 * time (PG_CONN_STR, AWS_*, TF_HTTP_USERNAME/TF_HTTP_PASSWORD).
 */
export function useStateBackend(stack: TerraformStack, state: StateBackend): void {
  const name = stack.node.id;
  switch (state.backend) {
    case "local":
      // Next to cdktf.out (where cdktf keeps it by default), relative to the stack
      // folder so the output holds no absolute path of this machine.
      new LocalBackend(stack, { path: `../../../terraform.${name}.tfstate` });
      return;
    case "pg":
      // No conn_str in the output (cdktf's typing requires one; an empty one would
      // still be written and shadow the environment): the backend reads PG_CONN_STR.
      new PgBackend(stack, { connStr: "", schemaName: `${state.schemaPrefix}_${name.replace(/-/g, "_")}` }).addOverride("conn_str", undefined);
      return;
    case "s3":
      new S3Backend(stack, {
        bucket: state.bucket,
        key: `${state.keyPrefix}/${name}.tfstate`,
        region: state.region,
        endpoints: state.endpoint ? { s3: state.endpoint } : undefined,
        usePathStyle: state.usePathStyle || undefined,
        dynamodbTable: state.dynamodbTable,
      });
      return;
    case "http":
      new HttpBackend(stack, {
        address: `${state.address.replace(/\/$/, "")}/${name}`,
        lockAddress: state.lockAddress ? `${state.lockAddress.replace(/\/$/, "")}/${name}` : undefined,
        unlockAddress: state.unlockAddress ? `${state.unlockAddress.replace(/\/$/, "")}/${name}` : undefined,
      });
      return;
  }
}
