// Driven by bench/page-weight.sh: visits console pages in chromium throttled like DevTools'
// "Fast 3G" (562.5 ms latency, 180 kB/s down, 84 kB/s up) with the CPU 4× slower, and
// prints bytes transferred and time to hydration, cold and warm, as served and against the
// same build sent uncompressed and uncached (the baseline, measured in the same run).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "end2end", "package.json"));
const { chromium } = require("@playwright/test");

const { BASE, EMAIL, PASSWORD } = process.env;
const RUNS = Number(process.env.RUNS || 1);
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };
const PAGES = [
  { path: "/login", signedIn: false },
  { path: "/", signedIn: true },
  { path: "/members", signedIn: true },
  { path: "/tokens", signedIn: true },
  { path: "/activity", signedIn: true },
];
const MODES = [
  { name: "baseline", uncompressed: true },
  { name: "served", uncompressed: false },
];

// Marks the moment the wasm has hydrated the page, relative to the navigation's start.
// (Init scripts run before <html> exists, so the whole document is watched.)
const markHydration = () => {
  new MutationObserver((_, observer) => {
    if (document.documentElement.hasAttribute("data-hydrated")) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
};

async function visitTwice(browser, signedInState, page, mode) {
  const context = await browser.newContext(page.signedIn ? { storageState: signedInState } : {});
  await context.addInitScript(markHydration);
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send("Network.enable");
  if (mode.uncompressed) {
    await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": "identity" } });
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  }
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  let bytes = 0;
  const encodings = new Set();
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  cdp.on("Network.responseReceived", (e) => encodings.add(e.response.headers["content-encoding"] || "none"));
  const visit = async () => {
    bytes = 0;
    const answer = await tab.goto(BASE + page.path);
    if (!answer.ok()) throw new Error(`${page.path}: ${answer.status()}`);
    await tab.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 120_000 });
    return { bytes, hydratedMs: await tab.evaluate(() => window.__hydratedAt) };
  };
  const cold = await visit();
  const warm = await visit();
  await context.close();
  // The baseline must really have travelled uncompressed, and the served pages compressed.
  if (mode.uncompressed !== !encodings.has("br")) {
    throw new Error(`${page.path} (${mode.name}): content encodings seen: ${[...encodings]}`);
  }
  return { cold, warm };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const signIn = await browser.newContext();
  const answer = await signIn.request.post(BASE + "/login", {
    form: { email: EMAIL, password: PASSWORD },
    headers: { origin: BASE },
  });
  if (!answer.ok()) throw new Error(`sign-in: ${answer.status()}`);
  const signedInState = await signIn.storageState();
  await signIn.close();

  const rows = [];
  for (const page of PAGES) {
    const figures = {};
    for (const mode of MODES) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await visitTwice(browser, signedInState, page, mode));
      figures[mode.name] = {
        coldKB: median(runs.map((r) => r.cold.bytes)) / 1024,
        warmKB: median(runs.map((r) => r.warm.bytes)) / 1024,
        coldS: median(runs.map((r) => r.cold.hydratedMs)) / 1000,
        warmS: median(runs.map((r) => r.warm.hydratedMs)) / 1000,
      };
    }
    rows.push({ page: page.path, ...figures });
  }
  await browser.close();

  const kb = (v) => `${v.toFixed(0)} KB`;
  const s = (v) => `${v.toFixed(1)} s`;
  const ratio = (now, before) => (before > 0 ? `${(now / before).toFixed(2)}×` : "-");
  console.log(`\nFast 3G, CPU 4× slower, median of ${RUNS} run(s); baseline = same build, uncompressed and uncached\n`);
  console.log("| page | cold bytes (baseline → served) | warm bytes | cold hydration | warm hydration |");
  console.log("|---|---|---|---|---|");
  for (const { page, baseline: b, served: n } of rows) {
    console.log(
      `| ${page} | ${kb(b.coldKB)} → ${kb(n.coldKB)} (${ratio(n.coldKB, b.coldKB)}) | ${kb(b.warmKB)} → ${kb(n.warmKB)} (${ratio(n.warmKB, b.warmKB)}) ` +
        `| ${s(b.coldS)} → ${s(n.coldS)} (${ratio(n.coldS, b.coldS)}) | ${s(b.warmS)} → ${s(n.warmS)} (${ratio(n.warmS, b.warmS)}) |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
