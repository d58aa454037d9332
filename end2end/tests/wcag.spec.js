// Accessibility checked by an engine nobody here wrote (axe-core): every console page, signed
// out and as the org owner (after the other specs filled the org), in the light and the dark
// colour scheme, on a desktop and a phone viewport: no serious or critical violation of
// WCAG 2.x A/AA. Runs last (files run in name order) so every page has rows to check.
const { test, expect } = require("@playwright/test");
const AxeBuilder = require("@axe-core/playwright").default;
const fs = require("node:fs");
const path = require("node:path");

const server = () => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "test-results", "server.json"), "utf8"));
const OWNER = { email: "owner@acme.test", password: "correct-horse-battery" };
const SIGNED_IN_PAGES = ["/", "/teams", "/teams/payments", "/members", "/roles", "/applications", "/tokens", "/sso", "/sessions", "/activity"];
const SIGNED_OUT_PAGES = ["/login", "/nowhere"];
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

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
      for (const p of SIGNED_OUT_PAGES) {
        await page.goto(base + p);
        await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
        found[p] = await violations(page);
      }
      await page.goto(base + "/login");
      await page.fill("#email", OWNER.email);
      await page.fill("#password", OWNER.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page).toHaveURL(base + "/");
      for (const p of SIGNED_IN_PAGES) {
        await page.goto(base + p);
        await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
        found[p] = await violations(page);
      }
      await context.close();
      const failing = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
      expect(failing).toEqual({});
    });
  }
}
