// A script acting as the person (device flow), in a real browser with and without
// JavaScript: the script asks (here with fetch), the owner opens the link it shows, unticks
// a permission and approves; the script's poll gets tokens carrying only what stayed ticked.
// The Sessions page then lists the script, and revokes it after the confirmation page.
const { test, expect } = require("@playwright/test");
const { server, signIn } = require("./people");

async function post(base, path, fields) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  return res.json();
}

for (const javaScriptEnabled of [true, false]) {
  test(`a script is approved on /device and revoked on /sessions ${javaScriptEnabled ? "with" : "without"} JavaScript`, async ({ browser }) => {
    const { base } = server();
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page);

    const name = javaScriptEnabled ? "deploy-cli" : "plain-cli";
    const asked = await post(base, "/oauth2/device_authorization", { client_id: name, scope: "teams:read members:read" });
    await page.goto(asked.verification_uri_complete);
    const request = page.getByTestId("device-request");
    await expect(request).toContainText(name);
    await expect(request).toContainText(asked.user_code);
    await page.getByLabel("members:read").uncheck();
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByTestId("query-done")).toContainText("Approved");

    const tokens = await post(base, "/oauth2/token", {
      client_id: name,
      device_code: asked.device_code,
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
    });
    expect(tokens.scope).toBe("teams:read");

    await page.goto(base + "/sessions");
    const row = page.getByTestId("script-row").filter({ hasText: name });
    await expect(row).toContainText("teams:read");
    await row.getByRole("link", { name: `Revoke script ${name}` }).click();
    await expect(page.getByTestId("confirm-question")).toContainText(`Revoke the script ${name}`);
    await page.getByRole("button", { name: `Revoke the script ${name}` }).click();
    await expect(page).toHaveURL(/\/sessions/);
    await expect(page.getByTestId("script-row").filter({ hasText: name })).toHaveCount(0);
    const refused = await post(base, "/oauth2/token", {
      client_id: name,
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    });
    expect(refused.error).toBe("invalid_grant");
    expect(errors).toEqual([]);
    await context.close();
  });
}
