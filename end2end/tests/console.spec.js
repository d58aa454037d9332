// The console in a real browser: first-run setup with the code from the log, sign-in,
// the dashboard, sign-out; and the same sign-in with JavaScript disabled.
const { test, expect } = require("@playwright/test");
const path = require("node:path");
const { server, OWNER, submitPassword } = require("./people");
const shots = path.join(__dirname, "..", "artifacts");

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function submitSetup(page, code) {
  await page.fill("#setup_code", code);
  await page.fill("#org_name", "Acme");
  await page.fill("#org_slug", "acme");
  await page.fill("#display_name", "Olive Owner");
  await page.fill("#email", OWNER.email);
  await page.fill("#password", OWNER.password);
  await page.getByRole("button", { name: "Create organization", exact: true }).click();
}

test.describe.configure({ mode: "serial" });

test("setup with the code, sign in, dashboard, sign out", async ({ page }) => {
  const { base, setupCode } = server();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  // The page hydrates: the wasm loads (CSP allows it) and runs without errors. It has a
  // name that changes with its content, arrives compressed and may be kept for good.
  const wasm = page.waitForResponse((r) => /\/pkg\/foxgate-[0-9a-f]{16}\.wasm$/.test(r.url()));
  await page.goto(base + "/");
  await expect(page).toHaveURL(/\/setup$/);
  const wasmAnswer = await wasm;
  expect(wasmAnswer.status()).toBe(200);
  const wasmHeaders = await wasmAnswer.allHeaders();
  expect(wasmHeaders["content-encoding"]).toBe("br");
  expect(wasmHeaders["cache-control"]).toBe("public, max-age=31536000, immutable");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
  await shot(page, "01-setup");

  // A wrong code is refused with a clear message and nothing is created.
  await submitSetup(page, "AAAAA-BBBBB-CCCCC");
  await expect(page.getByRole("alert")).toContainText("setup code does not match");

  await submitSetup(page, setupCode);
  await expect(page).toHaveURL(/\/login\?notice=setup_done$/);
  await expect(page.getByRole("alert")).toContainText("Foxgate is set up");
  await shot(page, "02-login");

  await submitPassword(page, OWNER, { open: false });
  await expect(page).toHaveURL(base + "/");
  await expect(page.getByTestId("org-name")).toHaveText("Acme");
  await expect(page.getByTestId("stat-role")).toHaveText("Org Owner");
  await expect(page.getByTestId("held-roles")).toHaveText("Org Owner in the whole organization");
  await shot(page, "03-dashboard");

  await page.getByTestId("user-menu").click();
  await expect(page.getByTestId("user-email")).toHaveText(OWNER.email);
  await shot(page, "04-user-menu");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?notice=signed_out$/);
  await shot(page, "05-signed-out");

  // The console is closed again; a page asked for is where sign-in leads back to.
  await page.goto(base + "/");
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(base + "/activity?action=team");
  await expect(page).toHaveURL(/\/login\?return_to=%2Factivity%3Faction%3Dteam$/);
  await submitPassword(page, OWNER, { open: false });
  await expect(page).toHaveURL(base + "/activity?action=team");
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  expect(errors, "no script errors (hydration, CSP)").toEqual([]);
});

test("sign in and out with JavaScript disabled", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // Email first, then the password; a wrong one keeps the email (never the password) and
  // the page to return to.
  await page.goto(base + "/teams");
  await expect(page).toHaveURL(/\/login\?return_to=%2Fteams$/);
  await page.fill("#email", OWNER.email);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.getByTestId("signin-email")).toHaveText(OWNER.email);
  await page.fill("#password", "wrong-password-here");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page.locator("#email")).toHaveValue(OWNER.email);
  await expect(page.locator("#password")).toHaveValue("");
  await page.fill("#password", OWNER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(base + "/teams");

  // Only a path on this site is followed after sign-in.
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto(base + "/login?email=owner%40acme.test&return_to=%2F%2Fevil.example%2F");
  await page.fill("#password", OWNER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(base + "/");
  await expect(page.getByTestId("stat-org")).toHaveText("Acme");
  await shot(page, "06-dashboard-no-js");
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?notice=signed_out$/);
  await context.close();
});
