// The API reference at /api-docs: the viewer (a registry package served by Foxgate) renders
// Foxgate's own OpenAPI description under the console's CSP, and nothing on the page comes
// from another origin.
const { test, expect } = require("@playwright/test");
const path = require("node:path");

const { server } = require("./people");
const shots = path.join(__dirname, "..", "artifacts");

test("the reference renders the tokens operations from Foxgate alone", async ({ page }) => {
  const { base } = server();
  const origins = new Set();
  page.on("request", (r) => origins.add(new URL(r.url()).origin));
  const refused = [];
  page.on("console", (m) => /Content.Security.Policy|Refused to/i.test(m.text()) && refused.push(m.text()));
  page.on("pageerror", (e) => refused.push(e.message));

  const answer = await page.goto(base + "/api-docs");
  expect(answer.status()).toBe(200);
  expect(answer.headers()["content-security-policy"]).toContain("script-src 'self' 'nonce-");

  // The tokens tag (open, like every tag) lists its operations, each with its path.
  await expect(page.locator("#operations-tag-tokens")).toBeVisible();
  const mint = page.locator("#operations-tokens-mint_token");
  await expect(mint).toContainText("/api/v1/orgs/{org}/tokens");
  await expect(page.locator("#operations-tokens-revoke_token")).toBeVisible();
  await expect(page.locator("#operations-tokens-list_tokens")).toBeVisible();
  // Opening one shows its permission in words, from the use-case table.
  await mint.locator(".opblock-summary").click();
  await expect(mint).toContainText("Needs `tokens:create`".replace(/`/g, ""));
  await page.screenshot({ path: path.join(shots, "70-api-docs.png"), fullPage: false });

  expect([...origins]).toEqual([base]);
  expect(refused).toEqual([]);
});
