// index.ts, the construct library's entry point: what it exports, and what
// the constructs behind it may import.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();
const CONSTRUCTS = path.join(ROOT, "constructs");
const constructFiles = fs.readdirSync(CONSTRUCTS).filter((f) => f.endsWith(".ts")).map((f) => path.join(CONSTRUCTS, f));

/**
 * The project's files a file imports (relative imports), resolved to .ts
 * paths; with `runtime`, only the imports that load code (not `import type`).
 */
function localImports(file: string, runtime: boolean): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  const names: string[] = [];
  for (const statement of source.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
      if (!(runtime && typeOnly)) names.push(statement.moduleSpecifier.text);
    }
  }
  return names
    .filter((name) => name.startsWith("."))
    .map((name) => path.resolve(path.dirname(file), name))
    .map((base) => [`${base}.ts`, path.join(base, "index.ts"), `${base}.d.ts`, path.join(base, "index.d.ts")].find((f) => fs.existsSync(f)) ?? base);
}

/** Every project file FILES load, directly or through others (see `localImports`). */
function importClosure(files: readonly string[], runtime: boolean): Set<string> {
  const seen = new Set<string>();
  const todo = [...files];
  while (todo.length) {
    const file = todo.pop()!;
    for (const imported of localImports(file, runtime)) {
      if (!seen.has(imported)) {
        seen.add(imported);
        todo.push(imported);
      }
    }
  }
  return seen;
}

/** The names a module exports (values and types), as the type checker sees them. */
function exportedNames(file: string): string[] {
  const program = ts.createProgram([file], { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

describe("the construct library's entry point (index.ts)", () => {
  const exported = new Set(exportedNames(path.join(ROOT, "index.ts")));

  test("exports every construct class of constructs/ with its props type", () => {
    // GIVEN every exported class of constructs/ and its XxxProps
    const wanted: string[] = [];
    for (const file of constructFiles) {
      const text = fs.readFileSync(file, "utf8");
      for (const [, name] of text.matchAll(/^export class (\w+)/gm)) {
        wanted.push(name);
        if (new RegExp(`^export interface ${name}Props\\b`, "m").test(text)) wanted.push(`${name}Props`);
      }
    }
    // THEN index.ts exports each (a sample that must be among them, so the scan found something)
    expect(wanted).toEqual(expect.arrayContaining(["NodeEnrollment", "NodeEnrollmentProps", "OvercloudDeploy", "TestInstance", "TestInstanceProps"]));
    expect(wanted.filter((name) => !exported.has(name))).toEqual([]);
  });

  test("exports the stacks with their props, and the bindings an app needs beside the constructs", () => {
    for (const name of ["UndercloudStack", "UndercloudStackProps", "OvercloudStack", "OvercloudStackProps", "labApp", "loadLab", "resolveLab", "LabModel", "OpenstackProvider", "LabcdkProvider", "DataOpenstackImagesImageV2", "ComputeFlavorV2", "renderDeploy", "ironicNodeSpec", "readNodeFile"]) {
      expect([name, exported.has(name)]).toEqual([name, true]);
    }
  });

  test("only re-exports (no code of its own)", () => {
    const statements = ts.createSourceFile("index.ts", fs.readFileSync(path.join(ROOT, "index.ts"), "utf8"), ts.ScriptTarget.ES2022).statements;
    expect(statements.filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier)).map((s) => ts.SyntaxKind[s.kind])).toEqual([]);
  });

  const LAB_FILE_MODULES = ["lab/schema.ts", "lab/load.ts", "lab/model.ts", "lab/index.ts"];

  test("no construct imports the lab file's schema, loading or model", () => {
    // GIVEN what each construct file imports
    const direct = constructFiles.flatMap((file) => localImports(file, false).map((imported) => `${path.basename(file)} → ${path.relative(ROOT, imported)}`));
    // THEN (the scan sees the lab helpers they do use) none of the lab file's modules
    expect(direct).toEqual(expect.arrayContaining(["baremetal-node.ts → lab/ironic-fields.ts", "tenant-network.ts → lab/addresses.ts"]));
    expect(direct.filter((line) => LAB_FILE_MODULES.some((module) => line.endsWith(module)))).toEqual([]);
  });

  test("loading the constructs loads none of them, even through another file", () => {
    // GIVEN everything the constructs load, transitively (type-only imports load nothing)
    const closure = [...importClosure(constructFiles, true)].map((f) => path.relative(ROOT, f));
    // THEN
    expect(closure).toEqual(expect.arrayContaining(["lab/ironic-fields.ts", "lab/addresses.ts", "lab/project-root.ts"]));
    expect(closure.filter((f) => LAB_FILE_MODULES.includes(f))).toEqual([]);
  });
});
