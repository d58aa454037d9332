// Tokens in the console (runs after the other specs set up the instance and the Payments
// team): mint one, copy it, use it against the API from the test, revoke it in the
// console — the call then fails, and the secret is on no page any more.
const { test, expect, request } = require("@playwright/test");
const path = require("node:path");

const { server, signIn } = require("./people");
const shots = path.join(__dirname, "..", "artifacts");

test("mint, copy, use, revoke", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // A panic in the console's wasm logs its message before the trap ("unreachable").
  page.on("console", (m) => m.text().includes("panicked") && errors.push(`${page.url()}: ${m.text().slice(0, 2000)}`));
  await signIn(page);

  await page.goto(base + "/tokens");
  const form = page.locator("section", { hasText: "New token" });
  await form.locator("input[name=name]").fill("ci-deploy");
  await form.locator("select[name=kind]").selectOption("team");
  // The team field suggests teams as one types; pick the suggestion's slug.
  await form.locator("input[name=team]").fill("pay");
  await expect(form.locator("datalist option[value=payments]")).toHaveCount(1);
  await form.locator("input[name=team]").fill("payments");
  await form.getByLabel("Member", { exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^fgt_/);
  const token = (await shown.textContent()).trim();
  // The secret is in the page once: Copy reads it from there, not from the island's props.
  expect((await page.content()).split(token).length - 1).toBe(1);
  // The dialog takes focus (a screen reader announces it), copies, and is put away with
  // "Done", which leads to the new token's row.
  await expect(page.getByRole("dialog", { name: "Token “ci-deploy” is ready" })).toBeFocused();
  await expect(page.getByRole("dialog")).toContainText("you will not see it again");
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByTestId("copy-status")).toHaveText("Copied ✓");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await page.screenshot({ path: path.join(shots, "20-token-created.png"), fullPage: true });
  await page.getByRole("link", { name: "Done — I have stored it" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId("token-row").filter({ hasText: "ci-deploy" })).toBeFocused();

  const api = await request.newContext();
  const me = await api.get(base + "/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(body.auth_kind).toBe("team_token");
  expect(body.role).toBe("team");

  await page.reload();
  const row = page.getByTestId("token-row").filter({ hasText: "ci-deploy" });
  await expect(row.getByTestId("token-last-used")).toContainText("from 127.0.0.1");
  // Revoking asks first, naming the token and what follows; with JavaScript too.
  await row.getByRole("link", { name: "Revoke token ci-deploy" }).click();
  await expect(page).toHaveURL(/\/confirm\?what=token&id=/);
  await expect(page.getByTestId("confirm-question")).toHaveText("Revoke token ci-deploy?");
  await expect(page.getByTestId("confirm-effects")).toContainText("refused (401)");
  await page.getByRole("button", { name: "Revoke token ci-deploy" }).click();
  await expect(page).toHaveURL(base + "/tokens?done=revoke_token");
  await expect(row.getByTestId("token-status")).toHaveText("revoked");
  await expect(row.getByTestId("token-created")).toContainText("by owner@acme.test");
  const after = await api.get(base + "/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("unauthorized");

  const secret = token.split("_")[2];
  for (const p of ["/tokens", "/", "/members", "/teams"]) {
    await page.goto(base + p);
    expect(await page.content(), `the secret on ${p}`).not.toContain(secret);
  }
  await page.screenshot({ path: path.join(shots, "21-token-revoked.png"), fullPage: true });

  // The filters narrow the list: only revoked tokens, then only active ones.
  await page.goto(base + "/tokens");
  const filters = page.getByTestId("token-filters");
  await filters.locator("select[name=status]").selectOption("revoked");
  await filters.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/status=revoked/);
  await expect(page.getByTestId("token-row").filter({ hasText: "ci-deploy" })).toHaveCount(1);
  await expect(page.getByTestId("token-status").filter({ hasNotText: "revoked" })).toHaveCount(0);
  await page.goto(base + "/tokens?status=active");
  await expect(page.getByTestId("token-row").filter({ hasText: "ci-deploy" })).toHaveCount(0);
  expect(errors).toEqual([]);
  await api.dispose();
  await context.close();
});


async function meWith(api, base, token) {
  return api.get(base + "/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } });
}

test("regenerate with a grace period: both secrets work, the new one is shown once", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page);
  await page.goto(base + "/tokens");
  const form = page.locator("section", { hasText: "New token" });
  await form.locator("input[name=name]").fill("nightly-sync");
  await form.locator("select[name=kind]").selectOption("org_admin");
  await expect(form.locator("input[name=team]")).toBeHidden();
  await form.getByLabel("Viewer", { exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toHaveCount(1);
  const first = (await page.getByTestId("new-token").textContent()).trim();
  expect(first).toMatch(/^fga_/);

  const row = page.getByTestId("token-row").filter({ hasText: "nightly-sync" });
  await row.locator("select[name=grace_hours]").selectOption("1");
  await row.getByRole("button", { name: "Regenerate" }).click();
  const dialogs = page.getByRole("dialog");
  await expect(dialogs.filter({ hasText: "previous secret keeps working until" })).toHaveCount(1);
  const second = (await dialogs.filter({ hasText: "previous secret" }).getByTestId("new-token").textContent()).trim();
  expect(second).not.toBe(first);
  expect(second.split("_")[1]).toBe(first.split("_")[1]);
  await page.screenshot({ path: path.join(shots, "22-token-regenerated.png"), fullPage: true });

  const api = await request.newContext();
  expect((await meWith(api, base, first)).status()).toBe(200);
  expect((await meWith(api, base, second)).status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("token-row").filter({ hasText: "nightly-sync" }).getByTestId("token-status")).toContainText("old secret until");
  expect(await page.content()).not.toContain(second.split("_")[2]);
  expect(errors).toEqual([]);
  await api.dispose();
  await context.close();
});

test("without JavaScript a personal token's secret is shown once, after the form post", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page);
  await page.goto(base + "/tokens");
  const form = page.locator("section", { hasText: "New token" });
  await form.locator("input[name=name]").fill("my-laptop");
  await form.locator("select[name=kind]").selectOption("personal");
  await form.getByLabel("teams:read", { exact: true }).check();
  await form.locator("select[name=expires]").selectOption("7");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page).toHaveURL(/\/tokens\??$/);
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^fgp_/);
  const token = (await shown.textContent()).trim();
  await expect(page.getByRole("dialog")).toContainText("you will not see it again");
  await page.screenshot({ path: path.join(shots, "23-personal-token-no-js.png"), fullPage: true });

  const api = await request.newContext();
  const me = await meWith(api, base, token);
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(body.auth_kind).toBe("personal_token");
  expect(body.email).toBe("owner@acme.test");
  expect(body.permissions).toEqual(["teams:read"]);

  // No dead Copy button; "Done" reloads the page, which no longer holds the secret.
  await expect(page.getByRole("button", { name: "Copy" })).toHaveCount(0);
  await page.getByRole("link", { name: "Done — I have stored it" }).click();
  await expect(page).toHaveURL(/\/tokens#token-/);
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token.split("_")[2]);
  await api.dispose();
  await context.close();
});

test("without a clipboard, Copy selects the secret and says how to copy it", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext();
  // As on plain http to a host other than localhost: no navigator.clipboard at all.
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined }));
  const page = await context.newPage();
  await signIn(page);
  await page.goto(base + "/tokens");
  const form = page.locator("section", { hasText: "New token" });
  await form.locator("input[name=name]").fill("no-clipboard");
  await form.locator("select[name=kind]").selectOption("personal");
  await form.getByLabel("teams:read", { exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent()).trim();
  expect(token).toMatch(/^fgp_/);
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByTestId("copy-status")).toHaveText(/Press Ctrl\+C .* the text is selected/);
  expect(await page.evaluate(() => window.getSelection().toString().trim())).toBe(token);
  await page.screenshot({ path: path.join(shots, "24-token-copy-by-hand.png"), fullPage: true });
  await context.close();
});

test("three quick clicks on Create token mint one token", async ({ page }) => {
  const { base } = server();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page);
  await page.goto(base + "/tokens");
  const rows = page.getByTestId("token-row").filter({ hasText: "triple-click" });
  await expect(rows).toHaveCount(0);
  const form = page.locator("section", { hasText: "New token" });
  await form.locator("input[name=name]").fill("triple-click");
  await form.locator("select[name=kind]").selectOption("org_admin");
  await form.getByLabel("Viewer", { exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click({ clickCount: 3 });
  await expect(page.getByTestId("new-token")).toHaveText(/^fga_/);
  await expect(rows).toHaveCount(1);
  // The page reloaded its data with a fresh key: one more click is one more token.
  await page.reload();
  await expect(page.getByTestId("token-row").filter({ hasText: "triple-click" })).toHaveCount(1);
  expect(errors).toEqual([]);
});

test("the mint form fits the kind: no Org Owner on a team token, a typed date is the choice, never warns", async ({ browser }) => {
  const { base } = server();
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(base + "/tokens");
    const form = page.locator("section", { hasText: "New token" });
    if (javaScriptEnabled) {
      await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
      await form.locator("select[name=kind]").selectOption("team");
      await expect(form.getByLabel(/^Org Owner/)).toBeHidden();
      await form.locator("select[name=kind]").selectOption("org_admin");
      await expect(form.getByLabel(/^Org Owner/)).toBeVisible();
      await expect(page.getByTestId("never-warning")).toBeHidden();
      await form.locator("select[name=expires]").selectOption("never");
      await expect(page.getByTestId("never-warning")).toBeVisible();
      await form.locator("input[name=expires_on]").fill("2027-02-01");
      await expect(form.locator("select[name=expires]")).toHaveValue("date");
    } else {
      // Without JavaScript the warning is always there, and the date typed wins over the
      // select left at "in 30 days".
      await expect(page.getByTestId("never-warning")).toBeVisible();
      await form.locator("input[name=name]").fill("dated-no-js");
      await form.locator("select[name=kind]").selectOption("personal");
      await form.getByLabel("teams:read", { exact: true }).check();
      await form.locator("input[name=expires_on]").fill("2027-02-01");
      await form.getByRole("button", { name: "Create token" }).click();
      await expect(page.getByTestId("new-token")).toHaveText(/^fgp_/);
      await expect(page.getByTestId("token-row").filter({ hasText: "dated-no-js" })).toContainText("2027-02-0");
    }
    await context.close();
  }
});

// Secure mode: the console takes a pasted public key (never a private one) and mints a
// token without a secret; a request signed with the private key (npm
// http-message-signatures) is accepted, the list shows the mode — with and without JavaScript.
for (const javaScriptEnabled of [true, false]) {
  test(`secure mode: paste a public key, sign requests with the private one (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({ browser }) => {
    const { base } = server();
    const { generateKeyPairSync, randomBytes } = require("node:crypto");
    const { httpbis, createSigner } = require("http-message-signatures");
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(base + "/tokens");
    const form = page.locator("section", { hasText: "New token" });
    const name = `signer-${javaScriptEnabled ? "js" : "nojs"}`;
    await form.locator("input[name=name]").fill(name);
    await form.locator("select[name=kind]").selectOption("team");
    // Without JavaScript the team field is a plain field taking the slug.
    await form.locator("input[name=team]").fill("payments");
    await form.getByLabel("Member", { exact: true }).check();
    await form.getByText("Secure mode: bind the token to a public key").click();
    await form.getByLabel("Public key").fill(publicKey.export({ type: "spki", format: "pem" }));
    await form.getByRole("button", { name: "Create token" }).click();
    const keyId = page.getByTestId("new-key-id");
    await expect(keyId).toHaveText(/^[0-9a-z]{16}$/);
    const id = (await keyId.textContent()).trim();
    await expect(page.getByTestId("new-token")).toHaveCount(0);
    await expect(page.getByRole("dialog")).toContainText("It has no secret");

    const url = `${base}/api/v1/auth/me`;
    const signed = await httpbis.signMessage(
      {
        key: createSigner(privateKey, "ed25519", id),
        fields: ["@method", "@target-uri"],
        params: ["created", "keyid", "alg", "nonce"],
        paramValues: { nonce: randomBytes(16).toString("base64url") },
      },
      { method: "GET", url, headers: {} },
    );
    const api = await request.newContext();
    const me = await api.get(url, { headers: signed.headers });
    expect(me.status()).toBe(200);
    expect((await me.json()).auth_kind).toBe("team_token");
    // The same signature again is a replay.
    expect((await api.get(url, { headers: signed.headers })).status()).toBe(401);
    await api.dispose();

    await page.goto(base + "/tokens");
    const row = page.locator(`#token-${id}`);
    await expect(row.getByTestId("token-mode")).toHaveText("signed · ed25519");
    await expect(row.getByRole("button", { name: `Regenerate token ${name}` })).toHaveCount(0);
    await context.close();
  });
}
