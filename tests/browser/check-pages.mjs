// Opens every page kind of a built orr site in headless Chromium at 390 and
// 1280 px, light and dark, and reports what a reader would trip over:
// page-level horizontal overflow, diagram text drawn below 11 CSS px or cut
// at a diagram's edge,
// overlapping or truncated concept-map labels, and axe-core violations of
// impact serious or critical. Prints one line per finding and a JSON summary;
// exits 1 when there is any finding, 2 when the check itself cannot run.
//
// Usage: node check-pages.mjs SITE_DIR [CHROMIUM]  (ORR_CHECK_PAGES=/a/,/b/ to check only those)
// The site is served from a tiny static server on 127.0.0.1, because its
// links start at "/" (the default base_url).

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const VIEWPORTS = [390, 1280];
const SCHEMES = ["light", "dark"];
const MIN_TEXT_PX = 11;
const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".json": "application/json", ".csv": "text/csv", ".xml": "application/xml",
};

const siteDir = process.argv[2];
const chromiumPath = process.argv[3] || "/usr/bin/chromium";
if (!siteDir || !fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error("usage: node check-pages.mjs SITE_DIR [CHROMIUM] (SITE_DIR must hold index.html)");
  process.exit(2);
}

/** One page of each kind: the first entry of each section, the largest service page. */
function pageKinds(root) {
  const firstDir = (dir) => {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) return null;
    const subs = fs.readdirSync(full, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(full, d.name, "index.html")))
      .map((d) => d.name).sort();
    return subs.length ? `/${dir}/${subs[0]}/` : null;
  };
  const largestDir = (dir) => {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) return null;
    let best = null, bestSize = -1;
    for (const d of fs.readdirSync(full).sort()) {
      const f = path.join(full, d, "index.html");
      if (fs.existsSync(f) && fs.statSync(f).size > bestSize) { best = d; bestSize = fs.statSync(f).size; }
    }
    return best ? `/${dir}/${best}/` : null;
  };
  const category = firstDir("questions");
  let question = null;
  if (category) {
    const catDir = path.join(root, category);
    const qs = fs.readdirSync(catDir).filter((d) => fs.existsSync(path.join(catDir, d, "index.html"))).sort();
    if (qs.length) question = `${category}${qs[0]}/`;
  }
  const pages = [
    "/", "/404.html", "/services/", largestDir("services"), "/questions/", category, question,
    "/concepts/", firstDir("concepts"), "/postmortems/", firstDir("postmortems"),
    "/handbook/", largestDir("handbook"), "/risks/", "/waivers/", "/dependencies/", "/changelog/",
  ];
  // ORR_CHECK_PAGES=/concepts/,/risks/ narrows a run to some pages while working on them.
  const only = process.env.ORR_CHECK_PAGES ? process.env.ORR_CHECK_PAGES.split(",") : null;
  return pages
    .filter((p) => p && fs.existsSync(path.join(root, p.endsWith("/") ? p + "index.html" : p)))
    .filter((p) => !only || only.includes(p));
}

function serve(root) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(path.resolve(root)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Runs in the page: overflow, small diagram text, concept-map overlaps and truncations. */
function measurePage(minTextPx) {
  const findings = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    const wide = [...document.querySelectorAll("main *")]
      .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1)
      .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= doc.clientWidth + 1)
      .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
    findings.push(`page scrolls sideways: ${doc.scrollWidth} px in ${doc.clientWidth} px (widest: ${wide.join(", ")})`);
  }
  const visible = (e) => e.getClientRects().length > 0 && !e.closest("details:not([open])");
  for (const text of document.querySelectorAll("svg.orr-svg text")) {
    if (!visible(text) || !text.textContent.trim()) continue;
    const ctm = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize) * (ctm ? Math.hypot(ctm.a, ctm.b) : 1);
    if (size < minTextPx - 0.05) {
      const svg = text.closest("svg").classList[1] || "svg";
      findings.push(`${svg}: text "${text.textContent.trim().slice(0, 30)}" drawn at ${size.toFixed(1)} px`);
      break;
    }
  }
  for (const svg of document.querySelectorAll("svg.orr-svg")) {
    if (!visible(svg)) continue;
    const frame = svg.getBoundingClientRect();
    const cut = [...svg.querySelectorAll("text")].find((t) => {
      const r = t.getBoundingClientRect();
      return t.textContent.trim() && (r.right > frame.right + 1 || r.left < frame.left - 1 || r.bottom > frame.bottom + 1);
    });
    if (cut) findings.push(`${svg.classList[1]}: text "${cut.textContent.trim().slice(0, 30)}" cut at the diagram's edge`);
  }
  for (const svg of document.querySelectorAll("svg.orr-svg-concept-map")) {
    if (!visible(svg)) continue;
    const labels = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim());
    const boxes = labels.map((t) => ({ t, r: t.getBoundingClientRect() }));
    for (const { t } of boxes) {
      if (t.textContent.includes("…")) findings.push(`concept map: label cut short "${t.textContent.trim()}"`);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (overlapX > 1 && overlapY > 1) {
          findings.push(`concept map: labels overlap "${boxes[i].t.textContent.trim()}" / "${boxes[j].t.textContent.trim()}"`);
        }
      }
    }
  }
  return findings;
}

async function checkPage(page, url, label) {
  await page.goto(url, { waitUntil: "load" });
  const findings = await page.evaluate(measurePage, MIN_TEXT_PX);
  await page.addScriptTag({ content: AXE_SOURCE });
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `axe ${v.impact} ${v.id} (${v.nodes.length}×): ${v.help}; first: ${v.nodes[0].target.join(" ")} ${(v.nodes[0].failureSummary || "").split("\n").slice(1, 2).join("")}`);
  });
  return [...findings, ...axe].map((f) => `${label}: ${f}`);
}

async function main() {
  const server = await serve(path.resolve(siteDir));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const pages = pageKinds(siteDir);
  const all = [];
  try {
    for (const scheme of SCHEMES) {
      for (const width of VIEWPORTS) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        for (const p of pages) {
          all.push(...(await checkPage(page, base + p, `${p} @${width}px ${scheme}`)));
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  for (const f of all) console.log(f);
  console.log(JSON.stringify({ pages: pages.length, runs: pages.length * VIEWPORTS.length * SCHEMES.length, findings: all.length }));
  process.exit(all.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`check-pages: ${e.stack || e}`);
  process.exit(2);
});
