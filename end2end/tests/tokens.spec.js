// Tokens in the console (runs after the other specs set up the instance and the Payments
// team): mint one, copy it, use it against the API from the test, revoke it in the
// console — the call then fails, and the secret is on no page any more.
const { test, expect, request } = require("@playwright/test");
const fs = require("node:fs");
const path = require("node:path");

const server = () => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "test-results", "server.json"), "utf8"));
const shots = path.join(__dirname, "..", "artifacts");

test("mint, copy, use, revoke", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base + "/login");
  await page.fill("#email", "owner@acme.test");
  await page.fill("#password", "correct-horse-battery");
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(base + "/");

  await page.goto(base + "/tokens");
  const form = page.locator("section", { hasText: "New token" });
  await form.locator("input[name=name]").fill("ci-deploy");
  await form.locator("select[name=team]").selectOption({ label: "Team Payments" });
  await form.getByLabel("Member", { exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^fgt_/);
  const token = (await shown.textContent()).trim();
  await expect(page.getByRole("dialog")).toContainText("you will not see it again");
  await page.getByRole("button", { name: "Copy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await page.screenshot({ path: path.join(shots, "20-token-created.png"), fullPage: true });

  const api = await request.newContext();
  const me = await api.get(base + "/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(body.auth_kind).toBe("team_token");
  expect(body.role).toBe("team");

  await page.reload();
  const row = page.getByTestId("token-row").filter({ hasText: "ci-deploy" });
  await expect(row.getByTestId("token-last-used")).toContainText("from 127.0.0.1");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row.getByTestId("token-status")).toHaveText("revoked");
  const after = await api.get(base + "/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("unauthorized");

  const secret = token.split("_")[2];
  for (const p of ["/tokens", "/", "/members", "/teams"]) {
    await page.goto(base + p);
    expect(await page.content(), `the secret on ${p}`).not.toContain(secret);
  }
  await page.screenshot({ path: path.join(shots, "21-token-revoked.png"), fullPage: true });
  expect(errors).toEqual([]);
  await api.dispose();
  await context.close();
});
