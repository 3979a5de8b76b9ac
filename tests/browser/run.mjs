// Real-browser checks of a built errdex site. Run by tests/browser.rs:
//
//     node tests/browser/run.mjs <site-dir> <artifacts-dir>
//
// Serves <site-dir> on 127.0.0.1 with a tiny static server that sends a
// Content-Security-Policy on every HTML response (`script-src 'self'`, and 'self' for
// everything else too, so inline scripts, inline styles and third-party requests all
// show), drives Debian's Chromium through playwright-core, and checks:
//
//   - no console errors, page errors, failed requests or CSP violations on any page
//     (every error page, the overview, and 404.html served at its real base_url origin,
//     whose requests are answered from <site-dir>), and no request leaves the site;
//   - every link and resource into the site names a file of the build (and an id, for
//     `#fragment` links);
//   - nothing under <site-dir> carries the dev server's `__errdex` live-reload script;
//   - search finds an error from a pasted concrete message and from its code, and Enter
//     opens it;
//   - search also works on the site opened from disk (file://, where browsers block
//     fetch and the index comes from search-index.js), and says so when that file is
//     missing; from disk, links between pages lead to their index.html, not to a
//     listing of the folder;
//   - the example tabs switch by click and by keyboard;
//   - every page fits a 375 px wide viewport (no horizontal document overflow);
//   - every page carries errdex's own policy (a <meta> CSP), equal to the served one;
//   - axe-core reports no serious or critical violation on the overview and two error
//     pages (three when one has a GitHub alert), in light and dark colour schemes (on a
//     server without the CSP header and with the page's own policy bypassed, because axe
//     is injected as an inline script);
//   - the Nu HTML Checker (vnu.jar, run with java) reports no error in any HTML file.
//
// Screenshots (overview and one error page, light and dark, plus a 375 px one) and a
// report.json with every axe and vnu finding are written to <artifacts-dir>.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), JAVA (default `java`).
// Exit status: 0 when every check passes, 1 when one fails, 2 on a usage or setup error.

import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const MOBILE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const STEP_TIMEOUT_MS = 15_000;

const started = Date.now();
const failures = [];
const report = { failures, pages: [], axe: [], vnu: null, screenshots: [] };

function log(line) {
  process.stdout.write(line + "\n");
}
let lastMark = Date.now();
function since() {
  const now = Date.now();
  const ms = now - lastMark;
  lastMark = now;
  return ms;
}
function ok(what) {
  log(`ok    ${what}`);
}
function fail(what, details = []) {
  failures.push({ what, details });
  log(`FAIL  ${what}`);
  for (const d of details) log(`        ${d}`);
}
function check(condition, what, details = []) {
  if (condition) ok(what);
  else fail(what, details);
  return condition;
}

function usage(message) {
  process.stderr.write(`${message}\nusage: node run.mjs <site-dir> <artifacts-dir>\n`);
  process.exit(2);
}

const [siteArg, artifactsArg] = process.argv.slice(2);
if (!siteArg || !artifactsArg) usage("missing arguments");
const SITE = path.resolve(siteArg);
const ARTIFACTS = path.resolve(artifactsArg);
if (!fs.existsSync(path.join(SITE, "index.html"))) usage(`${SITE}/index.html does not exist`);
fs.mkdirSync(ARTIFACTS, { recursive: true });

// ---------------------------------------------------------------------------------------
// The site on disk

function walk(dir, prefix = "") {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

const FILES = walk(SITE);
const HTML_FILES = FILES.filter((f) => f.endsWith(".html"));
const CATALOG = JSON.parse(fs.readFileSync(path.join(SITE, "errors.json"), "utf8"));
const BASE_URL = String(CATALOG.base_url).replace(/\/+$/, "");
const ERRORS = CATALOG.errors;

/** The URL path (relative to the site root) a page is served at: `errors/x/`, ``. */
function pagePath(file) {
  return file === "index.html" ? "" : file.replace(/index\.html$/, "");
}

/**
 * The file of the build a URL names, when it names one: a URL on the local server or
 * under base_url. Returns { file } (null when missing) or null for any other URL.
 */
function fileOf(url, localOrigin) {
  let rest;
  if (url.startsWith(localOrigin + "/")) rest = url.slice(localOrigin.length + 1);
  else if (url === BASE_URL || url.startsWith(BASE_URL + "/")) rest = url.slice(BASE_URL.length + 1);
  else return null;
  rest = decodeURIComponent(rest.replace(/[?#].*$/, ""));
  const candidates = rest === "" || rest.endsWith("/") ? [rest + "index.html"] : [rest, rest + "/index.html"];
  for (const c of candidates) {
    const full = path.join(SITE, c);
    if (full.startsWith(SITE + path.sep) && fs.existsSync(full) && fs.statSync(full).isFile()) return { file: c };
  }
  return { file: null };
}

/** Paths under base_url that only errdex writes. */
const OWN_PATH = /^(errors\/|assets\/|\.well-known\/|(llms|llms-full)\.txt|errors(\.schema)?\.json|search-index\.json|sitemap\.xml|robots\.txt|404\.html|index\.html|[?#]|$)/;

const idsCache = new Map();
/** Whether the HTML file `file` has an element with this id. */
function hasId(file, id) {
  if (!idsCache.has(file)) {
    const html = fs.readFileSync(path.join(SITE, file), "utf8");
    idsCache.set(file, new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1])));
  }
  return idsCache.get(file).has(id);
}

/** Every link and resource of the page that points into the site must name a file (and an id). */
async function brokenLinks(page, localOrigin) {
  const refs = await page.evaluate(() =>
    Array.from(document.querySelectorAll("a[href], link[href], script[src], img[src]"), (el) => {
      const raw = el.getAttribute("href") ?? el.getAttribute("src");
      return {
        tag: el.tagName.toLowerCase(),
        raw,
        url: el.href || el.src,
        // Same-page anchors are checked here, in the document as served.
        samePage: raw.startsWith("#") ? !!document.getElementById(decodeURIComponent(raw.slice(1))) : null,
      };
    }),
  );
  const broken = [];
  const notes = [];
  let internal = 0;
  for (const ref of refs) {
    if (ref.samePage !== null) {
      internal++;
      if (!ref.samePage) broken.push(`<${ref.tag}> ${ref.raw} → no such id on the page`);
      continue;
    }
    const target = fileOf(ref.url, localOrigin);
    if (!target) continue;
    internal++;
    if (!target.file) {
      // An absolute link under base_url that errdex did not write may be another part of
      // the same docs site (a catalog's own link); only errdex's own kinds of path must exist.
      const own = ref.url.startsWith(localOrigin + "/") || OWN_PATH.test(ref.url.slice(BASE_URL.length + 1));
      (own ? broken : notes).push(`<${ref.tag}> ${ref.raw} → no such file in the build`);
      continue;
    }
    const hash = new URL(ref.url).hash.slice(1);
    if (hash && target.file.endsWith(".html") && !hasId(target.file, decodeURIComponent(hash))) {
      broken.push(`<${ref.tag}> ${ref.raw} → ${target.file} has no id "${hash}"`);
    }
  }
  return { internal, broken, notes };
}

// ---------------------------------------------------------------------------------------
// A tiny static server

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/** Serves SITE; with `csp`, every HTML response carries the CSP header. */
function serve({ csp }) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let status = 200;
    let file = null;
    try {
      const url = new URL(req.url, "http://127.0.0.1");
      const rel = decodeURIComponent(url.pathname).replace(/^\/+/, "");
      let full = path.resolve(SITE, rel);
      if (full !== SITE && !full.startsWith(SITE + path.sep)) {
        status = 404;
      } else {
        const stat = fs.statSync(full, { throwIfNoEntry: false });
        if (stat && stat.isDirectory()) {
          if (!url.pathname.endsWith("/")) {
            res.writeHead(301, { Location: url.pathname + "/" + url.search });
            res.end();
            requests.push({ url: req.url, status: 301 });
            return;
          }
          full = path.join(full, "index.html");
        }
        if (fs.existsSync(full) && fs.statSync(full).isFile()) file = full;
        else status = 404;
      }
      if (status === 404) file = path.join(SITE, "404.html");
    } catch {
      status = 400;
    }
    requests.push({ url: req.url, status });
    if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(status === 200 ? 405 : status, { "Content-Type": "text/plain" });
      res.end(String(status));
      return;
    }
    const body = fs.readFileSync(file);
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    const headers = {
      "Content-Type": type,
      "Content-Length": body.length,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    };
    if (csp && type.startsWith("text/html")) headers["Content-Security-Policy"] = CSP;
    res.writeHead(status, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ server, requests, origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/` });
    });
  });
}

// ---------------------------------------------------------------------------------------
// The Nu HTML Checker, started first: it runs while the browser checks do.

function runVnu() {
  let jar;
  try {
    jar = String(require("vnu-jar"));
  } catch (e) {
    return Promise.resolve({ setupError: `vnu-jar is not installed (${e.message}); run npm ci --prefix tests/browser` });
  }
  const java = process.env.JAVA || "java";
  const files = HTML_FILES.map((f) => path.join(SITE, f));
  return new Promise((resolve) => {
    const child = spawn(java, ["-jar", jar, "--errors-only", "--format", "json", ...files], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => resolve({ setupError: `cannot run ${java}: ${e.message}` }));
    child.on("close", (code) => resolve({ code, stdout, stderr, files: files.length }));
  });
}

function vnuReport(result) {
  if (result.setupError) {
    fail("Nu HTML Checker ran", [result.setupError]);
    return;
  }
  let messages;
  try {
    messages = JSON.parse(result.stderr || result.stdout || '{"messages":[]}').messages;
  } catch {
    fail("Nu HTML Checker output is JSON", [(result.stderr || result.stdout).slice(0, 2000)]);
    return;
  }
  report.vnu = { files: result.files, exitCode: result.code, messages };
  const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal");
  check(
    errors.length === 0 && result.code === 0,
    `Nu HTML Checker: ${result.files} HTML files, ${errors.length} errors`,
    errors.slice(0, 30).map((m) => {
      const file = String(m.url || "").replace(/^file:/, "").replace(SITE + "/", "");
      return `${file}:${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ${m.message}`;
    }),
  );
}

// ---------------------------------------------------------------------------------------
// The browser

/**
 * Records everything a page reports that a published page must never report into
 * `sink.problems` (which the caller may swap between pages). With `sink.allowNotFound`,
 * the 404 status of the page's own navigation (the 404.html test) is expected.
 */
function watchPage(page, sink) {
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location();
    if (sink.allowNotFound && where.url === page.url() && /status of 404/.test(msg.text())) return;
    sink.problems.push(`console error: ${msg.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ""}`);
  });
  page.on("pageerror", (err) => sink.problems.push(`page error: ${err.message}`));
  // alert()/confirm()/prompt() from catalog data would mean a script got through.
  page.on("dialog", async (dialog) => {
    sink.problems.push(`a ${dialog.type()} dialog fired: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  // Requests still in flight, so a step can wait for them before it leaves the page:
  // leaving aborts them, which would read as a failure of the page (`ERR_ABORTED`).
  sink.inFlight = new Set();
  sink.requested = [];
  page.on("request", (req) => {
    sink.inFlight.add(req);
    sink.requested.push(req.url());
  });
  page.on("requestfinished", (req) => sink.inFlight.delete(req));
  page.on("requestfailed", (req) => {
    sink.inFlight.delete(req);
    sink.problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() < 400) return;
    if (sink.allowNotFound && res.request().isNavigationRequest()) return;
    sink.problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}

/** Waits until `watchPage` has seen a request whose URL holds `part`; false if none came. */
async function requested(sink, part) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (sink.requested.some((url) => url.includes(part))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Waits until the requests `watchPage` saw in flight have finished or failed. */
async function requestsDone(sink) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (sink.inFlight.size && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const req of sink.inFlight) sink.problems.push(`request never finished: ${req.url()}`);
}

/** Collects `securitypolicyviolation` events; runs before any page script. */
function recordCspViolations() {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(
      `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || "?"}:${e.lineNumber}`,
    );
  });
}

async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

/**
 * A browser context whose requests stay on this machine: the local server is reached
 * directly, requests to the site's own base_url are answered by the local server (so
 * 404.html, whose links are root-relative on base_url's path, can be loaded at its real
 * origin), and anything
 * else is refused and reported.
 */
async function newContext(browser, local, options, external) {
  const context = await browser.newContext({ ...options, serviceWorkers: "block" });
  await context.addInitScript(recordCspViolations);
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(local.origin + "/") || url.startsWith("data:")) return route.continue();
    if (url === BASE_URL || url.startsWith(BASE_URL + "/")) {
      const rest = url.slice(BASE_URL.length).replace(/^\/?/, "");
      const response = await route.fetch({ url: local.url + rest, maxRedirects: 0 });
      return route.fulfill({ response });
    }
    external.push(url);
    return route.abort("blockedbyclient");
  });
  return context;
}

async function settle(page) {
  await page.waitForLoadState("load");
  // Let deferred scripts and any late console messages arrive.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 30))));
}

async function overflowOf(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    widest: (() => {
      // The outermost element that sticks out (ignoring content that scrolls or is
      // clipped inside its own box), to say what to fix.
      const width = document.documentElement.clientWidth;
      const clipped = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== "visible") return true;
        }
        return false;
      };
      for (const el of document.body.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 0.5 && !clipped(el)) {
          const classes = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "";
          return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} (right edge ${Math.round(r.right)} px)`;
        }
      }
      return null;
    })(),
  }));
}

/** Every page at 375 px under the CSP: console, CSP, requests, overflow, search index. */
async function checkEveryPage(browser, local) {
  const external = [];
  const context = await newContext(browser, local, { viewport: MOBILE }, external);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const perPage = [];
  const overflowing = [];
  const broken = [];
  const notes = [];
  let linkCount = 0;
  let imageCount = 0;
  const sink = { problems: [], allowNotFound: false };
  watchPage(page, sink);
  for (const file of HTML_FILES.filter((f) => f !== "404.html")) {
    const problems = [];
    sink.problems = problems;
    const url = local.url + pagePath(file);
    const response = await page.goto(url);
    if (!response || response.status() !== 200) problems.push(`HTTP ${response?.status()} for ${url}`);
    if (!response?.headers()["content-security-policy"]) problems.push("served without the CSP header");
    await settle(page);
    // The policy errdex writes into the page must be the one this server enforces: the
    // checks below prove the theme keeps to it.
    const own = await page.evaluate(
      () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
    );
    if (own !== CSP) problems.push(`the page's own Content-Security-Policy is ${JSON.stringify(own)}, not the one served`);
    // Load the search index too (fetch under the CSP's connect-src), and let it finish:
    // a fetch cut short by the next page's navigation is not a failure of this one. The
    // wait is for the request itself, not a fixed time: on a loaded machine the fetch
    // focus starts can be reported after any short pause, and the next page then
    // aborted it (ERR_ABORTED).
    sink.requested = [];
    await page.focus("#search-input");
    if (!(await requested(sink, "/search-index."))) problems.push("focusing the search box did not load the search index");
    await requestsDone(sink);
    problems.push(...(await cspViolations(page)).map((v) => `CSP violation: ${v}`));
    // Every image shown (the catalog's own, from its static/ folder) loaded and decoded
    // under the policy, which loads images from the site only.
    const images = await page.evaluate(() =>
      Array.from(document.images, (img) => ({ src: img.getAttribute("src"), ok: img.complete && img.naturalWidth > 0 })),
    );
    imageCount += images.length;
    problems.push(...images.filter((i) => !i.ok).map((i) => `image not shown: ${i.src}`));
    const links = await brokenLinks(page, local.origin);
    linkCount += links.internal;
    broken.push(...links.broken.map((b) => `${file}: ${b}`));
    notes.push(...links.notes.map((b) => `${file}: ${b}`));
    const o = await overflowOf(page);
    if (o.scrollWidth > MOBILE.width) overflowing.push(`${file}: scrollWidth ${o.scrollWidth} > ${MOBILE.width}; widest: ${o.widest}`);
    report.pages.push({ file, problems, scrollWidthAt375: o.scrollWidth });
    if (problems.length) perPage.push(...problems.map((p) => `${file}: ${p}`));
  }
  // The 404 page, at its real origin and a path that does not exist.
  {
    const problems = [];
    sink.problems = problems;
    sink.allowNotFound = true;
    const url = `${BASE_URL}/errors/no_such_error_code/`;
    const response = await page.goto(url);
    if (response?.status() !== 404) problems.push(`expected HTTP 404 for ${url}, got ${response?.status()}`);
    await settle(page);
    const styled = await page.evaluate(() =>
      Array.from(document.styleSheets).some((sheet) => sheet.cssRules.length > 20),
    );
    if (!styled) problems.push("404.html loaded without its stylesheet (check its root-relative links)");
    await page.fill("#search-input", ERRORS[0].code);
    await page.waitForSelector(".search-results a.search-result", { timeout: 5000 }).catch(() => {
      problems.push("search on 404.html shows no result for an existing code");
    });
    problems.push(...(await cspViolations(page)).map((v) => `CSP violation: ${v}`));
    const links = await brokenLinks(page, local.origin);
    linkCount += links.internal;
    broken.push(...links.broken.map((b) => `404.html: ${b}`));
    notes.push(...links.notes.map((b) => `404.html: ${b}`));
    const o = await overflowOf(page);
    if (o.scrollWidth > MOBILE.width) overflowing.push(`404.html: scrollWidth ${o.scrollWidth} > ${MOBILE.width}; widest: ${o.widest}`);
    report.pages.push({ file: "404.html", problems, scrollWidthAt375: o.scrollWidth });
    if (problems.length) perPage.push(...problems.map((p) => `404.html: ${p}`));
  }
  await context.close();
  const pages = HTML_FILES.length;
  check(
    perPage.length === 0,
    `${pages} pages load under \`${CSP.split(";")[1].trim()}\` (+ self-only defaults) with no console error, page error, failed request or CSP violation`,
    perPage,
  );
  check(external.length === 0, "no page requests anything outside the site", [...new Set(external)]);
  check(imageCount > 0, `${imageCount} images from the catalog's static/ folder are shown`, []);
  check(
    broken.length === 0 && linkCount > 0,
    `${linkCount} links and resources into the site (relative, and absolute under base_url) name files and ids that exist`,
    broken,
  );
  for (const n of [...new Set(notes)]) log(`      note: ${n} (not errdex's; left to the catalog)`);
  check(overflowing.length === 0, `${pages} pages fit a ${MOBILE.width} px viewport (documentElement.scrollWidth <= ${MOBILE.width})`, overflowing);
}

/** A concrete message for a template: each `{placeholder}` becomes a value. */
function concreteMessage(template) {
  let n = 0;
  return template.replace(/\{[A-Za-z_][A-Za-z0-9_.-]*\}/g, () => (n++ === 0 ? "qp_7Hx2Kd" : `v${n}42`));
}

/** Types `query` into the empty search box and returns the result codes, best first. */
async function searchFor(page, query) {
  await page.fill("#search-input", "");
  await page.waitForFunction(() => !document.querySelector(".search-results").firstChild, null, { timeout: 5000 });
  await page.fill("#search-input", query);
  await page
    .waitForFunction(() => document.querySelector(".search-results .search-status"), null, { timeout: 5000 })
    .catch(() => {});
  return page.$$eval(".search-results a.search-result .search-result-code", (els) => els.map((e) => e.textContent));
}

async function checkSearch(browser, local, viewport, label) {
  const external = [];
  const context = await newContext(browser, local, { viewport }, external);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  watchPage(page, { problems });
  await page.goto(local.url);
  await settle(page);

  const withTemplates = ERRORS.filter((e) => (e.messages || []).some((m) => /\{[A-Za-z_]/.test(m.message)));
  const picks = [withTemplates[0], withTemplates[withTemplates.length - 1]].filter(Boolean);
  if (!picks.length) fail(`search (${label}): the catalog has no message with a {placeholder}`);
  for (const entry of picks) {
    const template = entry.messages.find((m) => /\{[A-Za-z_]/.test(m.message)).message;
    const pasted = concreteMessage(template);
    const codes = await searchFor(page, pasted);
    const note = await page.$eval(".search-results a.search-result", (a) => a.textContent).catch(() => "");
    check(codes[0] === entry.code, `search (${label}): pasted message "${pasted}" finds ${entry.code} first`, [
      `results: ${JSON.stringify(codes)}`,
      `first result text: ${note}`,
    ]);
    if (viewport.width === MOBILE.width) {
      const o = await overflowOf(page);
      check(o.scrollWidth <= MOBILE.width, `search (${label}): open results fit ${MOBILE.width} px`, [
        `scrollWidth ${o.scrollWidth}; widest: ${o.widest}`,
      ]);
    }
  }

  const byCode = ERRORS[ERRORS.length - 1].code;
  // As the API may send it: `RateLimited` for rate_limited.
  const camel = byCode.replace(/(^|[_.-])([a-z])/g, (_, sep, c) => c.toUpperCase());
  const byCamel = await searchFor(page, camel);
  check(byCamel[0] === byCode, `search (${label}): "${camel}" finds ${byCode} first`, [`results: ${JSON.stringify(byCamel)}`]);
  const codes = await searchFor(page, byCode);
  check(codes[0] === byCode, `search (${label}): code "${byCode}" finds it first`, [`results: ${JSON.stringify(codes)}`]);
  await Promise.all([page.waitForURL(`**/errors/${byCode}/`), page.press("#search-input", "Enter")]);
  check(
    page.url() === `${local.url}errors/${byCode}/`,
    `search (${label}): Enter opens ${page.url().slice(local.origin.length)}`,
  );
  await settle(page);
  problems.push(...(await cspViolations(page)).map((v) => `CSP violation: ${v}`));
  check(problems.length === 0 && external.length === 0, `search (${label}): no console error or CSP violation`, [
    ...problems,
    ...external.map((u) => `external request: ${u}`),
  ]);
  await context.close();
}

/**
 * A page of `site` opened from disk, as a docs writer double-clicking it would: no server,
 * no CSP, and every request must stay on file:// (none may leave the machine). Returns
 * the page, its context and the problems `watchPage` records.
 */
async function openFromDisk(browser, site, file) {
  const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: "block" });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const sink = { problems: [], allowNotFound: false };
  watchPage(page, sink);
  page.on("request", (req) => {
    if (!req.url().startsWith("file:")) sink.problems.push(`request off the disk: ${req.url()}`);
  });
  await page.goto(pathToFileURL(path.join(site, file)).href);
  await settle(page);
  return { context, page, sink };
}

/**
 * Search on the site opened from disk (file://): browsers block fetch() there, so the
 * index must come from search-index.js. A pasted message on an error page (index two
 * folders up) and a code on the overview must find their errors, and a site without
 * search-index.js must say that search is unavailable rather than stay silent.
 */
async function checkSearchFromDisk(browser) {
  const entry = ERRORS.find((e) => (e.messages || []).some((m) => /\{[A-Za-z_]/.test(m.message))) ?? ERRORS[0];
  const template = (entry.messages || []).find((m) => /\{[A-Za-z_]/.test(m.message))?.message;
  const other = ERRORS.find((e) => e.code !== entry.code) ?? entry;
  const cases = [
    { file: `errors/${other.code}/index.html`, query: template ? concreteMessage(template) : entry.code, code: entry.code },
    { file: "index.html", query: other.code, code: other.code },
  ];
  for (const { file, query, code } of cases) {
    const { context, page, sink } = await openFromDisk(browser, SITE, file);
    const codes = await searchFor(page, query);
    const status = await page.$eval(".search-results .search-status", (p) => p.textContent).catch(() => "");
    const href = await page.$eval(".search-results a.search-result", (a) => a.href).catch(() => "");
    // Served, result links name a folder (`errors/<code>/`); from disk, its index.html.
    const target = href.startsWith("file:") ? fileURLToPath(href) : "";
    check(codes[0] === code, `search from disk (${file}): "${query}" finds ${code} first`, [
      `results: ${JSON.stringify(codes)}`,
      `status: ${status}`,
    ]);
    check(target && fs.existsSync(target) && fs.statSync(target).isFile(), `search from disk (${file}): the first result links to a page of the build`, [
      `href: ${href}`,
    ]);
    await requestsDone(sink);
    check(sink.problems.length === 0, `search from disk (${file}): no console error, page error or failed request`, sink.problems);
    await context.close();
  }

  // Every link between pages leads to a page, not to a listing of its folder: the
  // overview's links, then the first error link followed.
  {
    const { context, page, sink } = await openFromDisk(browser, SITE, "index.html");
    const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
    const onDisk = hrefs.filter((h) => h.startsWith("file:")).map((h) => fileURLToPath(h.replace(/[?#].*$/, "")));
    const notFiles = onDisk.filter((f) => !(fs.existsSync(f) && fs.statSync(f).isFile()));
    check(onDisk.length > ERRORS.length && notFiles.length === 0, "from disk, every link of the overview leads to a file of the build", [
      `${onDisk.length} links on disk`,
      ...notFiles.slice(0, 5).map((f) => `not a file: ${f}`),
    ]);
    const code = ERRORS[0].code;
    await Promise.all([page.waitForEvent("load"), page.click(`a[href$="errors/${code}/index.html"]`)]);
    // An error page's title is `code: title`; a folder listing's is the folder's path.
    const title = await page.title();
    check(title.startsWith(`${code}: `), `from disk, following the overview's link to ${code} opens its page`, [
      `url: ${page.url()}`,
      `title: ${JSON.stringify(title)}`,
    ]);
    await requestsDone(sink);
    check(sink.problems.length === 0, "from disk, following a link: no console error, page error or failed request", sink.problems);
    await context.close();
  }

  // The same site without search-index.js (an older build, a partial upload).
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "errdex-no-script-"));
  try {
    fs.cpSync(SITE, copy, { recursive: true });
    fs.rmSync(path.join(copy, "search-index.js"));
    const { context, page } = await openFromDisk(browser, copy, "index.html");
    await searchFor(page, ERRORS[0].code);
    const status = await page.$eval(".search-results .search-status", (p) => p.textContent).catch(() => "");
    check(
      /unavailable/.test(status) && status.includes("search-index.js"),
      "search from disk without search-index.js says search is unavailable and names the file",
      [`status: ${JSON.stringify(status)}`],
    );
    await context.close();
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

async function checkTabs(browser, local, code) {
  const external = [];
  const context = await newContext(browser, local, { viewport: DESKTOP }, external);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  watchPage(page, { problems });
  await page.goto(`${local.url}errors/${code}/`);
  await settle(page);
  const labels = page.locator("#examples .tab-label");
  const panels = page.locator("#examples .tab-panel");
  const radios = page.locator("#examples .tab-radio");
  const count = await labels.count();
  if (count < 2) {
    fail(`tabs: ${code} has ${count} example tabs; need 2`);
    await context.close();
    return;
  }
  const visible = async () => {
    const out = [];
    for (let i = 0; i < count; i++) out.push(await panels.nth(i).isVisible());
    return out;
  };
  const before = await visible();
  check(before[0] && before.slice(1).every((v) => !v), `tabs (${code}): only the first of ${count} panels is shown at first`, [
    `visible: ${JSON.stringify(before)}`,
  ]);
  const secondTitle = (await labels.nth(1).textContent()).trim();
  await labels.nth(1).click();
  const after = await visible();
  check(after[1] && !after[0], `tabs (${code}): clicking "${secondTitle}" shows its panel and hides the first`, [
    `visible: ${JSON.stringify(after)}`,
  ]);
  // Keyboard: the radios form one group, so arrow keys move between tabs.
  await radios.nth(1).focus();
  await page.keyboard.press("ArrowLeft");
  const keyed = await visible();
  check(keyed[0] && !keyed[1], `tabs (${code}): ArrowLeft from the second tab shows the first again`, [
    `visible: ${JSON.stringify(keyed)}`,
  ]);
  const focusShown = await page.evaluate(() => {
    const r = document.activeElement;
    const label = r && r.labels && r.labels[0];
    return !!label && getComputedStyle(label).outlineStyle !== "none";
  });
  check(focusShown, `tabs (${code}): the focused tab's label shows a focus outline`);
  problems.push(...(await cspViolations(page)).map((v) => `CSP violation: ${v}`));
  check(problems.length === 0, `tabs (${code}): no console error or CSP violation`, problems);
  await context.close();
}

async function checkAxe(browser, plain, targets) {
  const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const axeVersion = require("axe-core/package.json").version;
  const serious = [];
  const summary = [];
  for (const scheme of ["light", "dark"]) {
    const external = [];
    // axe is injected as an inline script, which the page's own policy (a <meta> CSP)
    // would block: only this context bypasses it.
    const context = await newContext(browser, plain, { viewport: DESKTOP, colorScheme: scheme, bypassCSP: true }, external);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.emulateMedia({ colorScheme: scheme });
    for (const target of targets) {
      await page.goto(plain.url + target.path);
      await settle(page);
      const dark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
      if (dark !== (scheme === "dark")) fail(`axe: ${target.name} is not rendered in ${scheme} mode`);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, { resultTypes: ["violations"] }),
      );
      const violations = result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      }));
      report.axe.push({ page: target.name, scheme, violations });
      const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      const minor = violations.filter((v) => !bad.includes(v));
      summary.push(`${target.name} (${scheme}): ${bad.length} serious/critical, ${minor.length} moderate/minor${minor.length ? ` (${minor.map((v) => v.id).join(", ")})` : ""}`);
      for (const v of bad) {
        serious.push(`${target.name} (${scheme}): [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.length} node(s)`);
        for (const n of v.nodes.slice(0, 5)) serious.push(`    ${n.target}: ${String(n.summary).replace(/\s+/g, " ").slice(0, 300)}`);
      }
    }
    await context.close();
  }
  for (const line of summary) log(`      axe ${line}`);
  check(serious.length === 0, `axe-core ${axeVersion}: no serious or critical violation on ${targets.length} pages, light and dark`, serious);
}

async function screenshots(browser, local, errorCode) {
  const shots = [
    { name: "overview", path: "", viewport: DESKTOP },
    { name: `error-${errorCode}`, path: `errors/${errorCode}/`, viewport: DESKTOP },
    { name: `error-${errorCode}-375px`, path: `errors/${errorCode}/`, viewport: MOBILE },
  ];
  for (const scheme of ["light", "dark"]) {
    for (const shot of shots) {
      if (shot.viewport === MOBILE && scheme === "dark") continue;
      const external = [];
      const context = await newContext(browser, local, { viewport: shot.viewport, colorScheme: scheme }, external);
      const page = await context.newPage();
      await page.goto(local.url + shot.path);
      await settle(page);
      const file = path.join(ARTIFACTS, `${shot.name}-${scheme}.png`);
      // Full page, cut at 3,000 px so the overview stays a reasonable size.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.screenshot({
        path: file,
        fullPage: true,
        clip: { x: 0, y: 0, width: shot.viewport.width, height: Math.min(height, 3000) },
      });
      report.screenshots.push(file);
      await context.close();
    }
  }
  ok(`screenshots: ${report.screenshots.length} PNG files in ${ARTIFACTS}`);
}

// ---------------------------------------------------------------------------------------

/**
 * Hostile mode (ERRDEX_BROWSER_MODE=hostile): the site was built from a catalog whose
 * text is full of script-injection attempts. Load every page under the CSP and fail on
 * any dialog, page error, console error or CSP violation: the text must stay text.
 */
async function checkHostile(browser, local) {
  const context = await newContext(browser, local, { viewport: DESKTOP }, []);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const sink = { problems: [], allowNotFound: false };
  watchPage(page, sink);
  for (const file of HTML_FILES.filter((f) => f !== "404.html")) {
    sink.problems = [];
    await page.goto(local.url + pagePath(file));
    await settle(page);
    // Give any injected timer or handler a moment to fire.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    const problems = [...sink.problems, ...(await cspViolations(page)).map((v) => `CSP violation: ${v}`)];
    check(problems.length === 0, `hostile ${file}: no dialog, script error or CSP violation`, problems);
  }
  await context.close();

  // Opened from disk the index is a script (search-index.js); its hostile text must stay
  // data, and come back as text in the results.
  const { context: disk, page: diskPage, sink: diskSink } = await openFromDisk(browser, SITE, "index.html");
  for (const entry of ERRORS) {
    const codes = await searchFor(diskPage, entry.code);
    const title = await diskPage.$eval(".search-results .search-result-title", (s) => s.textContent).catch(() => null);
    check(codes[0] === entry.code && title === entry.title, `hostile search from disk: "${entry.code}" finds it, its title shown as text`, [
      `results: ${JSON.stringify(codes)}`,
      `title: ${JSON.stringify(title)}`,
    ]);
  }
  await diskPage.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  check(diskSink.problems.length === 0, "hostile search from disk: no dialog, script error or failed request", diskSink.problems);
  await disk.close();
}

async function mainHostile() {
  log(`hostile site ${SITE}: ${HTML_FILES.length} HTML pages`);
  const { chromium } = require("playwright-core");
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  const local = await serve({ csp: true });
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    await checkHostile(browser, local);
  } finally {
    await browser.close();
    local.server.close();
  }
}

async function main() {
  if (process.env.ERRDEX_BROWSER_MODE === "hostile") return mainHostile();
  log(`site ${SITE}: ${FILES.length} files, ${HTML_FILES.length} HTML; base_url ${BASE_URL}`);
  const vnu = runVnu();

  // The published build must never carry the dev server's live-reload script.
  const liveReload = FILES.filter((f) => fs.readFileSync(path.join(SITE, f)).includes("__errdex"));
  check(liveReload.length === 0, `no file of the build mentions the live-reload script (__errdex)`, liveReload);

  let chromium;
  try {
    ({ chromium } = require("playwright-core"));
  } catch (e) {
    fail("playwright-core is installed", [`${e.message}; run npm ci --prefix tests/browser`]);
    return;
  }
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  const local = await serve({ csp: true });
  const plain = await serve({ csp: false });
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    log(`chromium ${browser.version()} (${executablePath}); CSP server ${local.url}, plain server ${plain.url}`);
    const withTabs = ERRORS.filter((e) => (e.examples || []).length >= 2);
    const tabsCode = withTabs[0]?.code;
    // The error pages for axe and screenshots: the one with tabs, and another with messages.
    const firstCode = tabsCode ?? ERRORS[0].code;
    const other = ERRORS.find((e) => e.code !== firstCode && (e.messages || []).length > 0) ?? ERRORS.find((e) => e.code !== firstCode);
    const otherCode = other?.code ?? firstCode;
    // And a page with a GitHub alert (`> [!WARNING]`) when the catalog has one: its
    // colours are the theme's own, in light and dark.
    const alertCode = ERRORS.map((e) => e.code).find((code) =>
      fs.readFileSync(path.join(SITE, "errors", code, "index.html"), "utf8").includes('class="markdown-alert '),
    );

    since();
    await checkEveryPage(browser, local);
    log(`      (that took ${(since() / 1000).toFixed(1)} s)`);
    await checkSearch(browser, local, DESKTOP, `${DESKTOP.width} px`);
    await checkSearch(browser, local, MOBILE, `${MOBILE.width} px`);
    await checkSearchFromDisk(browser);
    log(`      (that took ${(since() / 1000).toFixed(1)} s)`);
    if (tabsCode) await checkTabs(browser, local, tabsCode);
    else fail("tabs: no error in the catalog has two examples");
    log(`      (that took ${(since() / 1000).toFixed(1)} s)`);
    await checkAxe(browser, plain, [
      { name: "overview", path: "" },
      ...[...new Set([firstCode, otherCode, alertCode].filter(Boolean))].map((code) => ({ name: `errors/${code}/`, path: `errors/${code}/` })),
    ]);
    log(`      (that took ${(since() / 1000).toFixed(1)} s)`);
    await screenshots(browser, local, firstCode);
    log(`      (that took ${(since() / 1000).toFixed(1)} s)`);
    // Browser-initiated requests (a favicon.ico probe, say) never reach page listeners;
    // the servers saw them.
    const missing = [...local.requests, ...plain.requests].filter(
      (r) => r.status >= 400 && !r.url.startsWith("/errors/no_such_error_code/"),
    );
    check(missing.length === 0, "the server answered every request the browser made (no 404 such as /favicon.ico)", [
      ...new Set(missing.map((r) => `${r.status} ${r.url}`)),
    ]);
  } finally {
    await browser.close();
    local.server.close();
    plain.server.close();
  }
  vnuReport(await vnu);
}

const watchdog = setTimeout(() => {
  fail("finished within 120 s");
  process.exit(1);
}, 120_000);
watchdog.unref();

try {
  await main();
} catch (e) {
  fail("browser checks ran to the end", [String(e && e.stack ? e.stack : e)]);
}
fs.writeFileSync(path.join(ARTIFACTS, "report.json"), JSON.stringify(report, null, 2) + "\n");
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length) {
  log(`\n${failures.length} check(s) failed in ${seconds} s; details in ${path.join(ARTIFACTS, "report.json")}`);
  process.exit(1);
}
log(`\nall browser checks passed in ${seconds} s`);
