/**
 * The links of the project's Markdown: README.md, docs/, testbed/README.md,
 * bench/RESULTS.md and every other Markdown file of the repository (those
 * under __tests__/fixtures only when they link). remark with
 * remark-validate-links checks that every relative link names a file that
 * exists and every `#anchor` a heading of its file (GitHub's slugs), across
 * all the files at once; offline: `repository: false` (no git remote, no
 * URL checked), in a network namespace without egress when one can be made.
 * A second check refuses links that leave the project folder, which
 * remark-validate-links passes when the target happens to exist on this
 * machine: a clone has nothing outside it.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { writeFiles } from "../helpers/files";
import { offlineRun, offlineUnavailable } from "../helpers/offline";

const ROOT = projectRoot();
const REMARK = path.join(ROOT, "node_modules", "remark-cli", "cli.js");
/** By path: remark resolves a plugin's name from its working directory, which is not always the project. */
const VALIDATE_LINKS = path.join(ROOT, "node_modules", "remark-validate-links", "index.js");
/** Build output and installed packages: not ours, and never linked to. */
const NOT_OURS = /(^|\/)(node_modules|\.gen|dist|cdktf\.out|\.tools|\.git)\//;
/** A Markdown link's target `](…)`, or a reference definition's `[id]: …`. */
const LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)|^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm;

/** Every Markdown file of the project (relative paths): git's list (tracked, and new files not ignored), else a walk. */
function markdownFiles(root: string): string[] {
  const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"], { cwd: root, encoding: "utf8" });
  const all =
    git.status === 0
      ? git.stdout.split("\n").filter(Boolean)
      : (fs.readdirSync(root, { recursive: true }) as string[]).filter((file) => file.endsWith(".md"));
  return [...new Set(all)]
    .filter((file) => !NOT_OURS.test(file) && fs.existsSync(path.join(root, file)))
    .filter((file) => !file.startsWith("__tests__/fixtures/") || linksOf(fs.readFileSync(path.join(root, file), "utf8")).length > 0)
    .sort();
}

/** The link targets of Markdown TEXT with their lines, outside code blocks and code spans (blanked, so lines keep their numbers). */
function linksOf(text: string): { target: string; line: number }[] {
  const blank = (code: string) => code.replace(/[^\n]/g, " ");
  const prose = text.replace(/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, blank).replace(/`[^`\n]*`/g, blank);
  return [...prose.matchAll(LINK)].map((match) => ({ target: match[1] ?? match[2], line: prose.slice(0, match.index).split("\n").length }));
}

/** Runs remark with remark-validate-links on FILES (relative to ROOT); offline when a namespace can be made. */
function remark(root: string, files: readonly string[]): SpawnSyncReturns<string> {
  const command = [
    process.execPath,
    REMARK,
    "--no-config", // no .remarkrc of anyone's: only this plugin, with these options
    "--no-ignore",
    "--no-stdout", // check only; write nothing
    "--no-color",
    "--frail", // a warning (a broken link) is a failure
    "--use",
    `${VALIDATE_LINKS}=repository:false,root:${JSON.stringify(root)}`,
    ...files,
  ];
  return offlineUnavailable
    ? spawnSync(command[0], command.slice(1), { cwd: root, encoding: "utf8", timeout: 60000 })
    : offlineRun(command, { cwd: root, timeoutSeconds: 60 });
}

/** remark's report as `FILE:LINE:COL: message` lines (the message says what is missing, and what was meant when it can tell). */
function problemsOf(result: SpawnSyncReturns<string>): string[] {
  const problems: string[] = [];
  let file = "";
  for (const line of result.stderr.split("\n")) {
    // `18:13-18:56  warning  MESSAGE  RULE  SOURCE:RULE`, the columns padded to align (or not, on a single row)
    const place = /^\s*(\d+):(\d+)(?:-\d+:\d+)?\s+(?:warning|error)\s+(.*?)(?:\s+([\w-]+)\s+[\w-]+:\4)?\s*$/.exec(line);
    if (place) problems.push(`${file}:${place[1]}:${place[2]}: ${place[3]}`);
    else if (/^\S/.test(line) && !/^[⚠✖]/.test(line)) file = line.replace(/: no issues found$/, "").trim();
  }
  if (result.status !== 0 && problems.length === 0) {
    throw new Error(`remark failed (exit ${result.status ?? result.signal}) without naming a link:\n${result.stderr}${result.error ?? ""}`);
  }
  return problems;
}

/** Links of FILES (relative to ROOT) that leave ROOT, or are absolute paths, as `FILE:LINE: target (why)`. */
function linksOutside(root: string, files: readonly string[]): string[] {
  return files.flatMap((file) =>
    linksOf(fs.readFileSync(path.join(root, file), "utf8"))
      .filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#"))
      .filter(({ target }) => {
        const resolved = path.resolve(root, path.dirname(file), decodeURI(target.split("#")[0]));
        return target.startsWith("/") || (resolved !== root && !resolved.startsWith(root + path.sep));
      })
      .map(({ target, line }) => `${file}:${line}: ${target} is outside the project folder (a clone has nothing there: link a copy inside it, relatively)`),
  );
}

describe("GIVEN the project's Markdown files", () => {
  const files = markdownFiles(ROOT);

  test("THEN they include the README, docs/, testbed/README.md and bench/RESULTS.md", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "docs/README.md", "testbed/README.md", "bench/RESULTS.md"]));
  });

  test("WHEN remark-validate-links checks them THEN every file they link to exists and every #anchor is a heading there", () => {
    expect(problemsOf(remark(ROOT, files))).toEqual([]);
  });

  test("WHEN their relative links are resolved THEN none leaves the project folder", () => {
    expect(linksOutside(ROOT, files)).toEqual([]);
  });
});

describe("GIVEN Markdown with a missing file, a missing heading and a link out of the folder (the check itself)", () => {
  const dir = fs.realpathSync(
    writeFiles({
      "README.md": "# Top\n\nSee [the guide](docs/guide.md#usage), [a gap](docs/gone.md), [here](#top), [up](../elsewhere.md).\n\n```sh\n[not a link](nowhere.md)\n```\n",
      "docs/guide.md": "# Guide\n\n## Install\n\nBack to [the top](../README.md#top).\n",
    }),
  );
  const files = ["README.md", "docs/guide.md"];

  test("WHEN remark-validate-links checks them THEN each broken link is named with its place, and nothing else", () => {
    const problems = problemsOf(remark(dir, files));
    expect(problems).toEqual([
      expect.stringMatching(/^README\.md:3:\d+: Cannot find heading for `#usage` in `docs\/guide\.md`/),
      expect.stringMatching(/^README\.md:3:\d+: Cannot find file `docs\/gone\.md`/),
      expect.stringMatching(/^README\.md:3:\d+: Cannot find file `\.\.\/elsewhere\.md`/),
    ]);
  });

  test("WHEN their relative links are resolved THEN the one out of the folder is named, not the one in a code block", () => {
    expect(linksOutside(dir, files)).toEqual([expect.stringMatching(/^README\.md:3: \.\.\/elsewhere\.md is outside the project folder/)]);
  });
});
