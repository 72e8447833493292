/**
 * A throwaway PostgreSQL server on 127.0.0.1 for the state-backend tests,
 * from Debian's `postgresql` package (CI installs it). Skipped, with the
 * reason, where the server binaries are absent.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

function findBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], "bin") : undefined;
}

const bin = findBin();
export const postgresUnavailable = bin ? undefined : "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)";
if (postgresUnavailable) {
  if (process.env.LABCDK_REQUIRE_POSTGRES) throw new Error(`LABCDK_REQUIRE_POSTGRES is set but ${postgresUnavailable}`);
  console.warn(`PostgreSQL state-backend tests SKIPPED: ${postgresUnavailable}`);
}
export const describeWithPostgres: jest.Describe = postgresUnavailable ? describe.skip : describe;

export interface Postgres {
  /** For PG_CONN_STR. */
  readonly connStr: string;
  stop(): void;
}

/** initdb into a fresh folder and start a server on 127.0.0.1:port (as user postgres when run as root). */
export function startPostgres(port: number): Postgres {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (program: string, args: string[]) => {
    const argv = asRoot ? ["runuser", "-u", "postgres", "--", path.join(bin!, program), ...args] : [path.join(bin!, program), ...args];
    const result = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${program} ${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
  };
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  const data = path.join(dir, "data");
  run("initdb", ["-D", data, "--auth=trust", "--username=postgres", "--no-sync"]);
  try {
    run("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, "start"]);
  } catch (error) {
    // The server's own words (e.g. the port taken by a server an interrupted run left behind).
    const log = fs.existsSync(path.join(dir, "server.log")) ? fs.readFileSync(path.join(dir, "server.log"), "utf8").trim().split("\n").slice(-3).join(" | ") : "no server log";
    throw new Error(`${(error as Error).message}\nserver log: ${log}`, { cause: error });
  }
  return {
    connStr: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    stop: () => {
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
