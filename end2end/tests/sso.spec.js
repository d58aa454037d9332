// Single sign-on in a real browser (runs after console.spec.js set the instance up): the
// owner adds an Okta-shaped provider on the Single sign-on page and tests its connection;
// then someone new clicks "Sign in with Okta", signs in on the IdP's own page, and lands in
// the console as the member their group maps to, and sees that session on the Sessions
// page. A screenshot of each step.
const { test, expect, request } = require("@playwright/test");
const path = require("node:path");

const { server, signIn } = require("./people");
const shots = path.join(__dirname, "..", "artifacts");
const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

test("sign in with Okta as the mapped member", async ({ browser }) => {
  const { base, idp } = server();
  const api = await request.newContext();
  const client = await (await api.post(`${idp}/__test/clients`, { data: { redirect_uri: `${base}/sso/callback` } })).json();
  await api.post(`${idp}/__test/users`, {
    data: { login: "sam", claims: { email: "sam@acme.test", email_verified: true, name: "Sam Okta", groups: ["Engineering"] } },
  });

  const admin = await (await browser.newContext()).newPage();
  const errors = [];
  admin.on("pageerror", (e) => errors.push(e.message));
  await signIn(admin);
  await admin.getByRole("link", { name: "Single sign-on" }).click();
  await expect(admin.getByTestId("redirect-uri")).toHaveText(`${base}/sso/callback`);
  // One click copies it (or, where the browser refuses the clipboard, selects it).
  await admin.getByRole("button", { name: "Copy redirect URI" }).click();
  await expect(admin.getByRole("status").filter({ hasText: /Copied ✓|Ctrl\+C/ })).toBeVisible();
  const form = admin.locator("section", { hasText: "Add a provider" });
  // The form shows the chosen kind's fields, with an issuer of that kind as the hint.
  await form.locator("select[name=kind]").selectOption("entra");
  await expect(form.locator("input[name=allowed_tenants]")).toBeVisible();
  await expect(form.locator("input[name=issuer]")).toHaveAttribute("placeholder", /login\.microsoftonline\.com/);
  await form.locator("select[name=kind]").selectOption("google");
  await expect(form.locator("input[name=groups_claim]")).toBeHidden();
  await expect(form.locator("input[name=allowed_tenants]")).toBeHidden();
  await form.locator("select[name=kind]").selectOption("okta");
  await expect(form.locator("input[name=groups_claim]")).toBeVisible();
  await form.locator("input[name=name]").fill("Okta");
  await form.locator("input[name=issuer]").fill(`${idp}/okta/oauth2/default`);
  await form.locator("input[name=client_id]").fill(client.client_id);
  await form.locator("input[name=client_secret]").fill(client.client_secret);
  // Group rules are rows: the IdP's group, a role by name, a team or the whole org.
  await form.getByRole("button", { name: "Add a rule" }).click();
  await expect(form.getByTestId("group-rule")).toHaveCount(3);
  await form.getByRole("button", { name: "Remove rule 3" }).click();
  await expect(form.getByTestId("group-rule")).toHaveCount(2);
  await form.getByLabel("IdP group of rule 1").fill("Engineering");
  await form.getByLabel("Role of rule 1").selectOption({ label: "Member" });
  await form.getByRole("button", { name: "Add provider" }).click();
  const card = admin.getByTestId("provider-card");
  await expect(card).toContainText("Okta · Okta");
  await expect(admin.getByTestId("query-done")).toHaveText("Identity provider saved.");
  await expect(admin.getByTestId("query-done")).toBeFocused();
  await expect(card.locator("input[name=client_secret]")).toHaveAttribute("placeholder", /set/);
  await expect(form.locator("input[name=client_secret]"), "the add form is emptied").toHaveValue("");
  expect(await admin.content(), "the secret never comes back").not.toContain(client.client_secret);
  await card.getByRole("button", { name: "Test connection" }).click();
  await expect(card.getByTestId("connection-report")).toContainText("✓ Discovery");
  await expect(card.getByTestId("connection-report")).not.toContainText("✗");
  await shot(admin, "30-sso-settings");
  expect(errors, "no script errors").toEqual([]);

  const page = await (await browser.newContext()).newPage();
  await page.goto(base + "/login");
  await page.getByPlaceholder("or your organization").fill("acme");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page).toHaveURL(base + "/login?org=acme");
  await shot(page, "31-sign-in-with-okta");
  // The button names the organization too, so nobody signs in to the wrong one.
  await page.getByRole("button", { name: /^Sign in to .+ with Okta$/ }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Okta" })).toBeVisible();
  expect(page.url().startsWith(idp)).toBe(true);
  await page.getByLabel("Username").fill("sam");
  await page.getByLabel("Password").fill("correct horse");
  await shot(page, "32-idp-login-page");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(base + "/");
  await expect(page.locator("header")).toContainText("sam@acme.test");
  await shot(page, "33-signed-in-through-okta");
  const me = await page.evaluate(async () => (await fetch("/api/v1/auth/me")).json());
  expect(me.email).toBe("sam@acme.test");
  expect(me.permissions).toContain("teams:read");
  expect(me.permissions).not.toContain("teams:create");

  // The Sessions page shows this session, signed in through Okta.
  await page.getByRole("link", { name: "Sessions" }).click();
  const row = page.getByTestId("session-row").filter({ hasText: "this session" });
  await expect(row).toContainText("Okta");
  await expect(row).toContainText("127.0.0.1");
  await shot(page, "34-sessions");
});
