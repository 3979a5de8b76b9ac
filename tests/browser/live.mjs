// `errdex serve` in a real browser: a writer's save reloads the page, a half-typed edit
// shows its diagnostic in the page and keeps the server up, and fixing it recovers.
// Run by tests/browser.rs:
//
//     node tests/browser/live.mjs <errdex-binary> <catalog-dir> <artifacts-dir>
//
// Copies <catalog-dir> to a temporary folder, serves it with `errdex serve --port 0`
// (on 127.0.0.1, its default), opens one error page in Debian's Chromium through
// playwright-core and edits that error's YAML file three times, as an editor would:
//
//   1. a new title: the open page reloads by itself and shows it;
//   2. an unterminated quote: the page shows the error overlay, naming the file, line
//      and column, over the last good build, and the server still answers;
//   3. the quote closed, with another title: the overlay goes and the page shows it.
//
// The browser never navigates by itself after the first load: every new title on
// screen came from the live-reload script. A screenshot of the overlay goes to
// <artifacts-dir>. Environment: CHROMIUM_PATH (default /usr/bin/chromium).
// Exit status: 0 when every step passes, 1 when one fails, 2 on a usage error.

import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);
const STEP_TIMEOUT_MS = 20_000;
const failures = [];

function log(line) {
  process.stdout.write(line + "\n");
}
function check(condition, what, details = []) {
  if (condition) {
    log(`ok    ${what}`);
  } else {
    failures.push(what);
    log(`FAIL  ${what}`);
    for (const d of details) log(`        ${d}`);
  }
  return condition;
}

const [binaryArg, catalogArg, artifactsArg] = process.argv.slice(2);
if (!binaryArg || !catalogArg || !artifactsArg) {
  process.stderr.write("usage: node live.mjs <errdex-binary> <catalog-dir> <artifacts-dir>\n");
  process.exit(2);
}
const ARTIFACTS = path.resolve(artifactsArg);
fs.mkdirSync(ARTIFACTS, { recursive: true });

/** Starts `errdex serve` on a copy of the catalog; resolves to { url, child, log, catalog }. */
function startServer() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "errdex-live-"));
  const catalog = path.join(work, "catalog");
  fs.cpSync(path.resolve(catalogArg), catalog, { recursive: true });
  const child = spawn(path.resolve(binaryArg), ["serve", "--port", "0", "--catalog", catalog], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const server = { child, catalog, work, log: "", exited: null };
  child.on("exit", (code, signal) => {
    server.exited = signal ?? code;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Serving" line within ${STEP_TIMEOUT_MS} ms:\n${server.log}`)), STEP_TIMEOUT_MS);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      server.log += chunk;
      const found = server.log.match(/Serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (found && !server.url) {
        server.url = found[1];
        clearTimeout(timer);
        resolve(server);
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Polls `probe` (an async function returning a value or throwing) until `wanted(value)`. */
async function until(probe, wanted) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (wanted(last)) return { ok: true, last };
    } catch (e) {
      // The page is reloading: its document is gone for a moment.
      last = String(e.message || e).split("\n")[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ok: false, last };
}

async function main() {
  const { chromium } = require("playwright-core");
  const server = await startServer();
  log(`errdex serve at ${server.url}, catalog copied to ${server.catalog}`);
  const code = fs
    .readdirSync(path.join(server.catalog, "errors"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()[0]
    .replace(/\.yaml$/, "");
  const file = path.join(server.catalog, "errors", `${code}.yaml`);
  const original = fs.readFileSync(file, "utf8");
  const withTitle = (title) => original.replace(/^title: .*$/m, `title: ${title}`);
  check(withTitle("x") !== original, `${code}.yaml has a one-line title to edit`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    // Any error counts, a 404 for /favicon.ico included: pages name their icon, so
    // Chromium has no reason to probe for one.
    page.on("console", (m) => m.type() === "error" && pageErrors.push(`${m.text()} (${m.location().url || ""})`));
    page.on("response", (r) => r.status() >= 400 && pageErrors.push(`${r.status()} ${r.url()}`));
    await page.goto(`${server.url}errors/${code}/`);
    const title = () => page.locator("#error-title").textContent({ timeout: 1000 });
    const overlayShown = () => page.locator("#errdex-overlay").count();

    // 1. A save reloads the open page.
    fs.writeFileSync(file, withTitle("Live reload probe one"));
    let seen = await until(title, (t) => t === "Live reload probe one");
    check(seen.ok, "a saved title appears in the open page without navigating", [`last seen: ${seen.last}`]);

    // 2. A half-typed edit: the overlay names the place, the last good page stays.
    fs.writeFileSync(file, withTitle('"Live reload probe'));
    seen = await until(overlayShown, (n) => n === 1);
    check(seen.ok, "an unterminated quote shows the error overlay in the page", [`last seen: ${seen.last}`]);
    const overlay = seen.ok ? await page.locator("#errdex-overlay").innerText() : "";
    check(
      new RegExp(`${code}\\.yaml:\\d+:\\d+`).test(overlay) && /error\[E\d{3}\]/.test(overlay),
      "the overlay names the file, line and column, and the error's code",
      [overlay.slice(0, 300)],
    );
    check((await title().catch(() => "")) === "Live reload probe one", "the page under the overlay is the last good build");
    if (seen.ok) await page.screenshot({ path: path.join(ARTIFACTS, "live-overlay.png") });
    const response = await fetch(`${server.url}errors/${code}/`).catch((e) => ({ status: String(e) }));
    check(response.status === 200 && server.exited === null, "the server still answers after the broken save", [
      `status ${response.status}, exited ${server.exited}`,
    ]);

    // 3. Fixing the file clears the overlay and shows the new text.
    fs.writeFileSync(file, withTitle("Live reload probe two"));
    seen = await until(async () => [await title(), await overlayShown()], ([t, n]) => t === "Live reload probe two" && n === 0);
    check(seen.ok, "the fixed file reloads the page without the overlay", [`last seen: ${JSON.stringify(seen.last)}`]);
    check(pageErrors.length === 0, "no script error or console error in the page", pageErrors);
  } finally {
    await browser.close();
    server.child.kill();
    fs.rmSync(server.work, { recursive: true, force: true });
  }
  if (failures.length) log(`\nerrdex serve log:\n${server.log}`);
}

const watchdog = setTimeout(() => {
  check(false, "finished within 90 s");
  process.exit(1);
}, 90_000);
watchdog.unref();

try {
  await main();
} catch (e) {
  check(false, "live-reload checks ran to the end", [String(e && e.stack ? e.stack : e)]);
}
if (failures.length) {
  log(`\n${failures.length} live-reload check(s) failed`);
  process.exit(1);
}
log("\nall live-reload checks passed");
