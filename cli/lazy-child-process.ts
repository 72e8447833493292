/**
 * `node:child_process` as commander sees it inside the CLI's bundle
 * (tools/build-cli.js points commander's import here): commander requires it
 * as it loads, only to start subcommands that are executables, which labcdk
 * has none of. Loading it brings net, dgram and the streams with it, about
 * 7 ms at every start of every command; here it loads at the first `spawn`.
 * labcdk's own modules (cli/verify.ts, cli/settle.ts) import the real one.
 */
import type * as childProcess from "node:child_process";

export const spawn = ((...args: unknown[]) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the point: loaded at the first call, not at import
  (require("node:child_process") as { spawn: (...spawnArgs: unknown[]) => unknown }).spawn(...args)) as unknown as typeof childProcess.spawn;
