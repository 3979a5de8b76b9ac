// Lints the Markdown an errdex build writes for agents with markdownlint, the checker
// documentation repositories commonly run. Run by tests/browser.rs:
//
//     node tests/browser/markdown.mjs <site-dir>
//
// Lints errors/<code>.md, llms.txt and llms-full.txt with markdownlint's default rules,
// except where the format errdex writes is fixed by the product spec or by what it
// concatenates:
//
//   - MD013 (line length): the writer's paragraphs, list items and table rows are kept
//     on the lines the writer gave them; rewrapping would change their text.
//   - MD041 (first line a top-level heading): every page opens with the documentation
//     index directive (`> Fetch the complete documentation index at: …`), before its
//     title, as SPEC §3 asks.
//   - MD034 (bare URLs): that directive's URL is bare as the spec words it, and the
//     `**Page:**` line beside it is written the same way.
//   - MD024 (duplicate headings) only between siblings: each error has its own
//     "## Causes".
//   - MD025 (one top-level heading), for llms-full.txt only: it is every error's page
//     one after another, each with its `# code: title`.
//
// Exit status: 0 when clean, 1 with findings (printed as file:line rule description),
// 2 on a usage error.

import fs from "node:fs";
import path from "node:path";
import { lint } from "markdownlint/promise";

const site = process.argv[2];
if (!site || !fs.existsSync(site)) {
  console.error("usage: node markdown.mjs <site-dir>");
  process.exit(2);
}

const base = {
  default: true,
  MD013: false,
  MD041: false,
  MD034: false,
  MD024: { siblings_only: true },
};

const pages = fs
  .readdirSync(path.join(site, "errors"))
  .filter((name) => name.endsWith(".md"))
  .sort()
  .map((name) => path.join(site, "errors", name));
if (pages.length === 0) {
  console.error(`no errors/*.md under ${site}`);
  process.exit(2);
}

const runs = [
  { files: [...pages, path.join(site, "llms.txt")], config: base },
  { files: [path.join(site, "llms-full.txt")], config: { ...base, MD025: false } },
];
let findings = 0;
for (const run of runs) {
  const results = await lint(run);
  const text = results.toString();
  if (text.trim() !== "") {
    console.log(text);
    findings += text.trim().split("\n").length;
  }
}
console.log(`markdownlint: ${pages.length} pages, llms.txt and llms-full.txt: ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
