// Teams, custom roles and members in the console (runs after console.spec.js, which set up
// the instance): the owner builds a team and a role with the grid, adds a member and gives
// them the role in that team; the member then sees only what the role allows, and a server
// function called directly without the permission answers `forbidden`.
const { test, expect } = require("@playwright/test");
const path = require("node:path");

const { server, OWNER, signIn } = require("./people");
const shots = path.join(__dirname, "..", "artifacts");
const CAROL = { email: "carol@acme.test", password: "carol-password-1" };


/// Page errors and console errors (hydration mismatches show up there) of a page.
function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return errors;
}

test.describe.configure({ mode: "serial" });

test("owner creates a team, a custom role and a member with that role", async ({ page }) => {
  const errors = watchErrors(page);
  const { base } = server();
  await signIn(page, OWNER);

  await page.goto(base + "/teams");
  const newTeam = page.locator("section", { hasText: "New team" });
  await newTeam.locator("input[name=name]").fill("Payments");
  await newTeam.locator("input[name=slug]").fill("payments");
  await newTeam.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByTestId("teams-table")).toContainText("payments");
  await page.screenshot({ path: path.join(shots, "10-teams.png"), fullPage: true });

  await page.goto(base + "/roles");
  const newRole = page.locator("section", { hasText: "New custom role" });
  await newRole.locator("input[name=name]").fill("Team reader");
  await newRole.locator("input[name=description]").fill("Sees teams and members");
  // "all" ticks a whole row or column, and clears it when it is already full.
  await newRole.getByRole("button", { name: "All of teams" }).click();
  for (const a of ["create", "read", "update", "delete"]) await expect(newRole.getByLabel(`teams:${a}`)).toBeChecked();
  await newRole.getByRole("button", { name: "All of teams" }).click();
  await expect(newRole.getByLabel("teams:read")).not.toBeChecked();
  await newRole.getByRole("button", { name: "All read" }).click();
  await expect(newRole.getByLabel("audit:read")).toBeChecked();
  await newRole.getByRole("button", { name: "All read" }).click();
  await expect(newRole.getByLabel("audit:read")).not.toBeChecked();
  await newRole.getByLabel("teams:read").check();
  await newRole.getByLabel("members:read").check();
  await newRole.getByRole("button", { name: "Create role" }).click();
  // Said, focused, and the form is blank again for the next role.
  await expect(page.getByTestId("query-done")).toHaveText("Role created.");
  await expect(page.getByTestId("query-done")).toBeFocused();
  await expect(newRole.locator("input[name=name]")).toHaveValue("");
  await expect(newRole.getByLabel("teams:read")).not.toBeChecked();
  // Custom roles first, then the built-ins side by side.
  await expect(page.getByTestId("builtin-matrix").locator("tbody tr").first()).toContainText("all");
  await page.screenshot({ path: path.join(shots, "11-roles.png"), fullPage: true });
  await page.getByTestId("custom-roles").getByRole("link", { name: "Team reader" }).click();
  await expect(page.getByTestId("role-name")).toHaveText("Team reader");
  await expect(page.getByLabel("teams:read")).toBeChecked();
  await expect(page.getByLabel("teams:update")).not.toBeChecked();
  await page.getByLabel("teams:update").check();
  await page.getByRole("button", { name: "Save role" }).click();
  await expect(page.getByTestId("query-done")).toHaveText("Role saved.");
  await page.getByLabel("teams:update").uncheck();
  // The same page comes back saying the same: wait for the save itself.
  const saved = page.waitForResponse((r) => r.url().includes("/fn/update_role"));
  await page.getByRole("button", { name: "Save role" }).click();
  await saved;
  await page.waitForLoadState();
  await expect(page.getByTestId("query-done")).toBeFocused();
  await page.reload();
  await expect(page.getByLabel("teams:update")).not.toBeChecked();

  await page.goto(base + "/members");
  const add = page.locator("section", { hasText: "Add a local account" });
  await add.locator("input[name=email]").fill(CAROL.email);
  await add.locator("input[name=display_name]").fill("Carol");
  await add.locator("input[name=password]").fill(CAROL.password);
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("members-table")).toContainText(CAROL.email);

  const give = page.locator("section", { hasText: "Give a role" });
  await give.locator("select[name=user_id]").selectOption({ label: CAROL.email });
  await give.locator("select[name=role]").selectOption({ label: "Team reader" });
  await give.locator("input[name=team]").fill("payments");
  await give.getByRole("button", { name: "Give role" }).click();
  await expect(page.getByTestId("members-table")).toContainText("Team reader · team Payments");
  await page.screenshot({ path: path.join(shots, "12-members.png"), fullPage: true });

  await page.goto(base + "/teams");
  await page.getByRole("link", { name: "Payments", exact: true }).click();
  await expect(page.getByTestId("team-members")).toContainText(CAROL.email);
  await expect(page.getByTestId("team-members")).toContainText("Team reader");
  expect(errors).toEqual([]);
});

test("the member sees only what the role allows", async ({ page }) => {
  const errors = watchErrors(page);
  const { base } = server();
  await signIn(page, CAROL);
  await page.goto(base + "/teams");
  await expect(page.getByTestId("teams-table")).toContainText("Payments");
  await expect(page.locator("section", { hasText: "New team" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Rename" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /^Delete team/ })).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, "13-member-teams.png"), fullPage: true });

  // Hiding is not the control: the server function itself refuses.
  const answer = await page.evaluate(async () => {
    const res = await fetch("/fn/create_team", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "slug=sneaky&name=Sneaky",
    });
    return { status: res.status, body: await res.json() };
  });
  expect(answer.status).toBe(403);
  expect(answer.body.error.code).toBe("forbidden");

  // Without tokens:create she can still mint a personal token, limited to what she holds.
  await page.goto(base + "/tokens");
  const form = page.locator("section", { hasText: "New token" });
  await expect(form.locator("select[name=kind] option")).toHaveText(["Personal token (acts as you)"]);
  // The role editor's grid: what she does not hold shows, disabled; "all" ticks only what she may.
  await expect(form.getByLabel("teams:read", { exact: true })).toBeEnabled();
  await expect(form.getByLabel("teams:update", { exact: true })).toBeDisabled();
  await form.getByRole("button", { name: "All of teams" }).click();
  await expect(form.getByLabel("teams:read", { exact: true })).toBeChecked();
  await expect(form.getByLabel("teams:update", { exact: true })).not.toBeChecked();
  await form.getByRole("button", { name: "All of teams" }).click();
  await expect(form.getByLabel("teams:read", { exact: true })).not.toBeChecked();
  await form.locator("input[name=name]").fill("carol-script");
  await form.getByLabel("members:read", { exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toHaveText(/^fgp_/);
  await expect(page.getByTestId("token-row")).toHaveCount(1);
  expect(errors.filter((e) => !e.includes("403")), "no script or hydration errors").toEqual([]);
});

test("teams work without JavaScript: a failed form comes back with its message", async ({ browser }) => {
  const { base } = server();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, OWNER);
  await page.goto(base + "/teams");
  const newTeam = page.locator("section", { hasText: "New team" });
  await newTeam.locator("input[name=name]").fill("Bad");
  await newTeam.locator("input[name=slug]").fill("Not A Slug");
  await newTeam.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/teams\?error=invalid_input&field=slug$/);
  await expect(page.getByRole("alert")).toContainText("The slug must be");
  // What was typed is back in the form, the refused field outlined and focused.
  await expect(newTeam.locator("input[name=name]")).toHaveValue("Bad");
  await expect(newTeam.locator("input[name=slug]")).toHaveValue("Not A Slug");
  await expect(newTeam.locator("input[name=slug]")).toHaveAttribute("aria-invalid", "true");
  await expect(newTeam.locator("input[name=slug]")).toBeFocused();
  await expect(newTeam.locator("#field-error-slug")).toContainText("The slug must be");

  await newTeam.locator("input[name=name]").fill("Ledger");
  await newTeam.locator("input[name=slug]").fill("ledger");
  await newTeam.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/teams\?done=create_team$/);
  await expect(page.getByTestId("query-done")).toHaveText("Team created.");
  await expect(page.getByRole("alert").filter({ hasText: "The slug must be" })).toHaveCount(0);
  await expect(page.getByTestId("teams-table")).toContainText("ledger");
  await page.screenshot({ path: path.join(shots, "14-teams-no-js.png"), fullPage: true });

  // Deleting asks on a page of its own, saying what goes with the team; Cancel changes nothing.
  await page.getByRole("link", { name: "Delete team Ledger" }).click();
  await expect(page.getByTestId("confirm-question")).toHaveText("Delete team Ledger?");
  await expect(page.getByTestId("confirm-effects")).toContainText("Tokens of this team that stop working at once and are deleted: 0.");
  await page.screenshot({ path: path.join(shots, "15-confirm-delete-team-no-js.png"), fullPage: true });
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.getByTestId("teams-table")).toContainText("ledger");
  await page.getByRole("link", { name: "Delete team Ledger" }).click();
  await page.getByRole("button", { name: "Delete team Ledger" }).click();
  await expect(page).toHaveURL(base + "/teams?done=delete_team");
  await expect(page.getByTestId("query-done")).toContainText("Team deleted");
  await expect(page.getByTestId("teams-table")).not.toContainText("ledger");

  // Members are found by a GET form: by email or name, and by role; each says how they sign in.
  await page.goto(base + "/members");
  const search = page.getByTestId("member-search");
  await search.getByLabel("Email or name").fill("car");
  await search.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/members\?q=car&role=$/);
  await expect(page.getByTestId("member-count")).toHaveText("1 member");
  const carolRow = page.getByTestId("members-table").locator("tbody tr");
  await expect(carolRow).toHaveCount(1);
  await expect(carolRow).toContainText("carol@acme.test");
  await expect(carolRow.getByTestId("member-signin")).toContainText("password");
  await expect(carolRow.getByTestId("member-signin")).toContainText("last 20");
  await page.screenshot({ path: path.join(shots, "16-members-search-no-js.png"), fullPage: true });
  await context.close();
});

test("a button says it is working and cannot be pressed twice", async ({ page, browser }) => {
  const { base } = server();
  await signIn(page, OWNER);
  await page.goto(base + "/teams");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
  // A slow server: the create call is held until the test lets it go.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let calls = 0;
  await page.route("**/fn/create_team*", async (route) => {
    calls += 1;
    await held;
    await route.continue();
  });
  const newTeam = page.locator("section", { hasText: "New team" });
  await newTeam.locator("input[name=name]").fill("Busy");
  await newTeam.locator("input[name=slug]").fill("busy");
  const button = newTeam.getByRole("button", { name: "Create team" });
  // While the browser waits for the answer, Playwright cannot query the page: the page
  // reports its button's state through the console, and tries to send the form again
  // (a click on the button, then what Enter in a field does) while the first is held.
  const pressed = [];
  page.on("console", (m) => m.text().startsWith("create button:") && pressed.push(m.text()));
  await page.evaluate(() => {
    const form = [...document.querySelectorAll("form")].find((f) => f.action.endsWith("/fn/create_team"));
    const button = form.querySelector("button[type=submit]");
    const say = (what) => console.log(`create button: ${what}`);
    new MutationObserver(() => say(`${button.textContent}|disabled=${button.disabled}|busy=${button.getAttribute("aria-busy")}`))
      .observe(button, { attributes: true, childList: true });
    button.click();
    setTimeout(() => {
      button.click();
      form.requestSubmit();
      say("sent again");
    }, 50);
  });
  await expect.poll(() => pressed).toContain("create button: sent again");
  expect(pressed).toContain("create button: Working…|disabled=true|busy=true");
  release();
  await expect(page.getByTestId("teams-table")).toContainText("busy");
  await expect(button).toBeEnabled();
  expect(calls).toBe(1);
  // Done: said, and the form is empty for the next one.
  await expect(page.getByTestId("query-done")).toHaveText("Team created.");
  await expect(newTeam.locator("input[name=name]")).toHaveValue("");
  // A refusal naming a field: the field is outlined, says why under it in words, and takes
  // the focus; what was typed stays.
  await newTeam.locator("input[name=name]").fill("Busy");
  const slug = newTeam.locator("input[name=slug]");
  await slug.fill("busy");
  await button.click();
  await expect(slug).toHaveAttribute("aria-invalid", "true");
  await expect(slug).toBeFocused();
  await expect(newTeam.locator("#field-error-slug")).toBeVisible();
  await expect(newTeam.locator("#field-error-slug")).not.toContainText("slug:");
  await expect(page.getByRole("alert").first()).not.toBeEmpty();
  await expect(page.getByTestId("query-done")).toHaveCount(0);
  await expect(newTeam.locator("input[name=name]")).toHaveValue("Busy");
  await slug.fill("busy-two");
  await button.click();
  await expect(page.getByTestId("query-done")).toHaveText("Team created.");
  await expect(slug).not.toHaveAttribute("aria-invalid", "true");
  await expect(newTeam.locator("#field-error-slug")).toHaveCount(0);
  await expect(slug).toHaveValue("");
  // A refusal naming no field takes the focus itself; a password is never kept.
  await page.goto(base + "/members");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
  const add = page.locator("section", { hasText: "Add a local account" });
  await add.locator("input[name=email]").fill("owner@acme.test");
  await add.locator("input[name=password]").fill("a-long-enough-password");
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("query-error")).toBeVisible();
  await expect(add.locator("input[name=password]")).toHaveValue("");
  await expect(add.locator("input[name=email]")).toHaveValue("owner@acme.test");

  // A plain form (the browser navigates): once sent, its button waits too.
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(base + "/login?email=owner%40acme.test");
  await expect(visitor.locator("html")).toHaveAttribute("data-hydrated", "");
  await visitor.fill("#password", OWNER.password);
  // While the browser waits for the answer (the password hash takes a while), Playwright
  // cannot query the page: the page reports its button's state through the console instead.
  const states = [];
  visitor.on("console", (m) => m.text().startsWith("sign-in button:") && states.push(m.text()));
  await visitor.evaluate(() => {
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Sign in");
    new MutationObserver(() => console.log(`sign-in button: disabled=${button.disabled} busy=${button.getAttribute("aria-busy")}`)).observe(button, { attributes: true });
  });
  await visitor.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(visitor).toHaveURL(base + "/");
  expect(states).toContain("sign-in button: disabled=true busy=true");
  await context.close();
});
