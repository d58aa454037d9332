// Accessibility checked by an engine nobody here wrote (axe-core): every console page, signed
// out and as the org owner (after the other specs filled the org), in the light and the dark
// colour scheme, on a desktop and a phone viewport: no serious or critical violation of
// WCAG 2.x A/AA, and no horizontal scrolling. Screenshots of each land in artifacts/. Runs last (files run in name order) so every page has rows to check.
const { test, expect } = require("@playwright/test");
const AxeBuilder = require("@axe-core/playwright").default;
const path = require("node:path");

const { server, signIn } = require("./people");
const SIGNED_IN_PAGES = ["/", "/teams", "/teams/payments", "/members", "/roles", "/roles/admin", "/applications", "/tokens", "/sso", "/sessions", "/activity", "/device"];
const SIGNED_OUT_PAGES = ["/login", "/login?email=owner@acme.test", "/nowhere"];
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

const shots = path.join(__dirname, "..", "artifacts");

/// How far the page reaches past the viewport's right edge (0: no horizontal scrolling).
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function violations(page) {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
}

for (const scheme of ["light", "dark"]) {
  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    test(`no serious violations, ${scheme} scheme, ${device}`, async ({ browser }) => {
      const { base } = server();
      const context = await browser.newContext({ viewport, colorScheme: scheme });
      const page = await context.newPage();
      const found = {};
      const check = async (p) => {
        await page.goto(base + p);
        await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
        found[p] = await violations(page);
        const wider = await overflow(page);
        if (wider > 0) found[p].push(`${wider} px wider than the ${viewport.width} px viewport`);
        const name = p === "/" ? "dashboard" : p.slice(1).replace(/&id=.*$/, "").replace(/[^a-z0-9]+/g, "-");
        await page.screenshot({ path: path.join(shots, `wcag-${device}-${scheme}-${name}.png`), fullPage: true });
      };
      for (const p of SIGNED_OUT_PAGES) await check(p);
      await signIn(page);
      for (const p of SIGNED_IN_PAGES) await check(p);
      // The confirmation page, for deleting the Payments team (nothing is deleted).
      const payments = await page.evaluate(async () => (await (await fetch("/api/v1/orgs/acme/teams/payments")).json()).id);
      await check(`/confirm?what=team&id=${payments}`);
      await context.close();
      const failing = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
      expect(failing).toEqual({});
    });
  }
}

test("on a phone the navigation is one menu, and it works without JavaScript", async ({ browser }) => {
  const { base } = server();
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ viewport: VIEWPORTS.phone, javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page);
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav.getByRole("link", { name: "Tokens" })).toBeHidden();
    await nav.getByText("Menu").click();
    await nav.getByRole("link", { name: "Tokens" }).click();
    await expect(page).toHaveURL(base + "/tokens");
    await expect(nav.getByTestId("nav-menu")).toContainText("Menu · Tokens");
    // On a fresh page the skip link is the first thing a keyboard reaches.
    await page.goto(base + "/tokens");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await context.close();
  }
});

test("row actions name what they act on", async ({ page }) => {
  const { base } = server();
  await signIn(page);
  await page.goto(base + "/tokens");
  await expect(page.getByRole("link", { name: "Revoke token gateway", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Regenerate token gateway", exact: true })).toBeVisible();
  await page.goto(base + "/teams");
  await expect(page.getByRole("link", { name: "Delete team Payments", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Rename team Payments", exact: true })).toBeVisible();
  await page.goto(base + "/members");
  await expect(page.getByRole("link", { name: /^Remove member .+@acme\.test$/ }).first()).toBeVisible();
});

test("end all other sessions: the other browser is signed out, this one stays", async ({ browser }) => {
  const { base } = server();
  const signedIn = async (javaScriptEnabled) => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page);
    return { context, page };
  };
  for (const javaScriptEnabled of [true, false]) {
    const other = await signedIn(true);
    const here = await signedIn(javaScriptEnabled);
    await here.page.goto(base + "/sessions");
    await here.page.getByRole("button", { name: "End all other sessions" }).click();
    await expect(here.page).toHaveURL(/\/sessions\?done=end_other_sessions$/);
    await expect(here.page.getByTestId("query-done")).toHaveText("Your other sessions are ended.");
    await expect(here.page.getByTestId("session-row")).toHaveCount(1);
    await other.page.goto(base + "/sessions");
    await expect(other.page).toHaveURL(/\/login/);
    await other.context.close();
    await here.context.close();
  }
});
