// Governing another service from the console (named to run after console.spec.js set up the
// instance): the owner declares an application, puts one of its permissions in a role,
// gives the role to a member in a team and mints a team token carrying it; a service asks
// Foxgate (AuthZEN) and the decisions flip when the grant and the token are revoked. The
// Applications page also works without JavaScript.
const { test, expect, request } = require("@playwright/test");
const path = require("node:path");

const { server, signIn } = require("./people");
const shots = path.join(__dirname, "..", "artifacts");


async function mint(page, base, name, kind, roleLabel, teamLabel) {
  await page.goto(base + "/tokens");
  const form = page.locator("section", { hasText: "New token" });
  await form.locator("input[name=name]").fill(name);
  await form.locator("select[name=kind]").selectOption(kind);
  // The team field takes a slug (with suggestions as one types).
  if (teamLabel) await form.locator("input[name=team]").fill(teamLabel.toLowerCase());
  await form.getByLabel(roleLabel, { exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^fg/);
  const token = (await shown.textContent()).trim();
  return token;
}

test("declare, grant, ask, revoke: the decision flips", async ({ page }) => {
  const { base } = server();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page);

  await page.goto(base + "/teams");
  const newTeam = page.locator("section", { hasText: "New team" });
  await newTeam.locator("input[name=name]").fill("Releases");
  await newTeam.locator("input[name=slug]").fill("releases");
  await newTeam.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByTestId("teams-table")).toContainText("releases");

  await page.goto(base + "/applications");
  const declare = page.locator("section", { hasText: "New application" });
  await declare.locator("input[name=slug]").fill("deploy");
  await declare.locator("input[name=name]").fill("Deploy API");
  await declare.getByLabel("Resource type 1", { exact: true }).fill("deployments");
  await declare.getByLabel("Actions of resource type 1").fill("read, approve, rollback");
  await declare.getByRole("button", { name: "Declare application" }).click();
  const card = page.getByTestId("application-card");
  await expect(card).toContainText("deploy:deployments:approve");
  await page.screenshot({ path: path.join(shots, "30-applications.png"), fullPage: true });

  await page.goto(base + "/roles");
  const newRole = page.locator("section", { hasText: "New custom role" });
  await newRole.locator("input[name=name]").fill("Approver");
  await expect(newRole.getByText("Deploy API (deploy)")).toBeVisible();
  await newRole.getByLabel("deploy:deployments:approve").check();
  await newRole.getByRole("button", { name: "Create role" }).click();
  await page.getByTestId("custom-roles").getByRole("link", { name: "Approver" }).click();
  await expect(page.getByLabel("deploy:deployments:approve")).toBeChecked();
  await expect(page.getByLabel("deploy:deployments:rollback")).not.toBeChecked();
  await page.screenshot({ path: path.join(shots, "31-role-with-application.png"), fullPage: true });

  await page.goto(base + "/members");
  const add = page.locator("section", { hasText: "Add a local account" });
  await add.locator("input[name=email]").fill("dave@acme.test");
  await add.locator("input[name=display_name]").fill("Dave");
  await add.locator("input[name=password]").fill("dave-password-1");
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("members-table")).toContainText("dave@acme.test");
  const give = page.locator("section", { hasText: "Give a role" });
  await give.locator("select[name=user_id]").selectOption({ label: "dave@acme.test" });
  await give.locator("select[name=role]").selectOption({ label: "Approver" });
  await give.locator("input[name=team]").fill("releases");
  await give.getByRole("button", { name: "Give role" }).click();
  await expect(page.getByTestId("members-table")).toContainText("Approver · team Releases");
  // The member page shows what the grant carries to other services.
  await expect(
    page.getByTestId("members-table").locator("tr", { hasText: "dave@acme.test" }).getByTestId("app-permissions"),
  ).toHaveText("deploy:deployments:approve");

  const pep = await mint(page, base, "gateway", "org_admin", "Org Admin");
  const bot = await mint(page, base, "release-bot", "team", "Approver", "Releases");
  await expect(
    page.getByTestId("token-row").filter({ hasText: "release-bot" }).getByTestId("app-permissions"),
  ).toHaveText("deploy:deployments:approve");

  // Denied decisions logged on request: turned on from the Applications page.
  await page.goto(base + "/applications");
  const logging = page.locator("section", { hasText: "Decision logging" });
  await expect(logging.getByTestId("decision-logging")).toHaveText("Off");
  await logging.getByLabel("Log each denied decision").check();
  await logging.getByRole("button", { name: "Save decision logging" }).click();
  await expect(logging.getByTestId("decision-logging")).toHaveText("On");

  const api = await request.newContext();
  const tokenId = bot.split("_")[1];
  const ask = async (subject, team) => {
    const res = await api.post(base + "/access/v1/evaluation", {
      headers: { authorization: `Bearer ${pep}`, "x-request-id": "e2e-1" },
      data: {
        subject,
        action: { name: "approve" },
        resource: { type: "deploy:deployments", id: "42", properties: team ? { team } : {} },
      },
    });
    expect(res.status()).toBe(200);
    expect(res.headers()["x-request-id"]).toBe("e2e-1");
    return (await res.json()).decision;
  };
  const dave = { type: "user", id: "dave@acme.test" };
  const token = { type: "token", id: tokenId };
  expect(await ask(dave, "releases")).toBe(true);
  expect(await ask(dave, undefined)).toBe(false);
  expect(await ask(token, undefined)).toBe(true);

  // Revoking the grant in the console: the next decision is a denial.
  await page.goto(base + "/members");
  const row = page.getByTestId("members-table").locator("tr", { hasText: "dave@acme.test" });
  await row.locator("li", { hasText: "Approver" }).getByRole("link", { name: /^Revoke/ }).click();
  await expect(page.getByTestId("confirm-question")).toHaveText("Take Approver back from dave@acme.test?");
  await expect(page.getByTestId("confirm-effects")).toContainText("team Releases");
  await page.getByRole("button", { name: "Take Approver back from dave@acme.test" }).click();
  await expect(page).toHaveURL(base + "/members?done=revoke_grant");
  await expect(page.getByTestId("query-done")).toHaveText("Role taken back.");
  await expect(page.getByTestId("members-table")).not.toContainText("Approver · team Releases");
  expect(await ask(dave, "releases")).toBe(false);

  // With decision logging on, that denial reaches the activity log within seconds, found
  // by its action and then by its subject's id.
  const denial = page.getByTestId("event-row").filter({ hasText: "dave@acme.test" }).first();
  await expect(async () => {
    await page.goto(base + "/activity?action=decision.denied");
    await expect(denial).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30000 });
  await denial.locator("summary", { hasText: "Details" }).click();
  await expect(denial.getByTestId("event-recorded")).toContainText("42");
  // Clicking the subject filters the log by it: only Dave's events remain.
  await denial.getByRole("link", { name: "user: dave@acme.test" }).click();
  await expect(page).toHaveURL(/entity_type=user&entity_id=/);
  await expect(page.getByTestId("event-row")).not.toHaveCount(0);
  for (const row of await page.getByTestId("event-row").all()) {
    await expect(row).toContainText("dave@acme.test");
  }

  // Revoking the token: it is no longer a subject anyone may act as.
  await page.goto(base + "/tokens");
  await page.getByRole("link", { name: "Revoke token release-bot" }).click();
  await page.getByRole("button", { name: "Revoke token release-bot" }).click();
  await expect(page).toHaveURL(base + "/tokens?done=revoke_token");
  await expect(page.getByTestId("token-row").filter({ hasText: "release-bot" }).getByTestId("token-status")).toHaveText("revoked");
  expect(await ask(token, undefined)).toBe(false);
  await api.dispose();
  expect(errors).toEqual([]);
});

test("applications are declared without JavaScript too", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page);
  await page.goto(base + "/applications");
  const declare = page.locator("section", { hasText: "New application" });
  await declare.locator("input[name=slug]").fill("wiki");
  await declare.locator("input[name=name]").fill("Wiki");
  await declare.getByLabel("Resource type 1", { exact: true }).fill("pages");
  await declare.getByLabel("Actions of resource type 1").fill("read, edit");
  await declare.getByRole("button", { name: "Declare application" }).click();
  await page.goto(base + "/applications");
  await expect(page.getByTestId("application-card").filter({ hasText: "Wiki" })).toContainText("wiki:pages:edit");
  // Decision logging (turned on by the test above) is turned off by a plain form post.
  const logging = page.locator("section", { hasText: "Decision logging" });
  await expect(logging.getByTestId("decision-logging")).toHaveText("On");
  await logging.getByLabel("Log each denied decision").uncheck();
  await logging.getByRole("button", { name: "Save decision logging" }).click();
  await page.goto(base + "/applications");
  await expect(page.locator("section", { hasText: "Decision logging" }).getByTestId("decision-logging")).toHaveText("Off");
  await context.close();
});
