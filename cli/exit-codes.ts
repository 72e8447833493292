/**
 * labcdk's exit codes: one meaning each, the same for every command
 * (README, "The CLI").
 */
export const EXIT = {
  /** Done; the input is valid; every check passed. */
  ok: 0,
  /** Input refused (a lab file, node file, saved plan, an option), or a check failed (verify's differences, an instance settle could not settle, an imported lab that does not validate). */
  refused: 1,
  /** A cloud is not configured (no such clouds.yaml entry) or cannot be reached; the message says which. */
  cloud: 2,
  /** plan-summary: the plans destroy or replace something (the summary is written all the same). */
  destructive: 3,
  /** A bug in labcdk (one line; LABCDK_DEBUG=1 shows where). */
  bug: 70,
} as const;

/** The table `labcdk --help` ends with. */
export const EXIT_CODE_HELP = [
  "Exit codes (every command):",
  `  ${EXIT.ok}   done, valid, every check passed`,
  `  ${EXIT.refused}   input refused, or a check failed (each problem named)`,
  `  ${EXIT.cloud}   a cloud is not configured in clouds.yaml, or cannot be reached (the message says which)`,
  `  ${EXIT.destructive}   plan-summary: the plans destroy or replace something`,
  `  ${EXIT.bug}  a bug in labcdk (LABCDK_DEBUG=1 shows where)`,
].join("\n");
