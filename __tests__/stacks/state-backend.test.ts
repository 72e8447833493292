import { TerraformStack, Testing } from "cdktf";
import { StateSchema } from "../../lab/schema";
import { useStateBackend } from "../../stacks/state-backend";

function backendOf(state: unknown): Record<string, unknown> {
  const stack = new TerraformStack(Testing.app(), "lab-undercloud");
  useStateBackend(stack, StateSchema.parse(state));
  return JSON.parse(Testing.synth(stack)).terraform.backend;
}

describe("state backends from the lab file", () => {
  test("local (the default): a file per stack next to cdktf.out, path relative to the stack folder", () => {
    expect(backendOf({ backend: "local" })).toEqual({ local: { path: "../../../terraform.lab-undercloud.tfstate" } });
  });

  test("pg: one schema per stack, and no connection string (PG_CONN_STR supplies it)", () => {
    expect(backendOf({ backend: "pg" })).toEqual({ pg: { schema_name: "labcdk_lab_undercloud" } });
    expect(backendOf({ backend: "pg", schemaPrefix: "ci" })).toEqual({ pg: { schema_name: "ci_lab_undercloud" } });
  });

  test("s3 (or an S3-compatible store): one key per stack, no credentials", () => {
    expect(backendOf({ backend: "s3", bucket: "labs", region: "us-east-1", endpoint: "https://rgw.example.com", usePathStyle: true, dynamodbTable: "locks" })).toEqual({
      s3: { bucket: "labs", key: "labcdk/lab-undercloud.tfstate", region: "us-east-1", endpoints: { s3: "https://rgw.example.com" }, use_path_style: true, dynamodb_table: "locks" },
    });
  });

  test("http: one address per stack, with lock addresses when given", () => {
    expect(backendOf({ backend: "http", address: "https://gitlab.example.com/api/v4/projects/1/terraform/state", lockAddress: "https://gitlab.example.com/lock/" })).toEqual({
      http: { address: "https://gitlab.example.com/api/v4/projects/1/terraform/state/lab-undercloud", lock_address: "https://gitlab.example.com/lock/lab-undercloud" },
    });
  });

  test("an unknown backend or field is refused by the lab schema", () => {
    expect(StateSchema.safeParse({ backend: "swift" }).success).toBe(false);
    expect(StateSchema.safeParse({ backend: "pg", connStr: "postgres://u:secret@h/db" }).success).toBe(false);
  });
});
