/**
 * zod without its JIT, for the CLI's one-shot processes (imported before the
 * lab's schemas are built, which read the setting). zod compiles a fast parser
 * per object schema with `new Function` at its first parse: that pays off
 * over many parses, not in a command that parses one file once
 * (bench/RESULTS.md, "CLI start-up"). Synthesis (main.ts) keeps zod's default.
 */
import * as z from "zod";

z.config({ jitless: true });
