// A large company's console (issue 18): an org of 2,000 members and 500 teams, seeded
// straight into the database, shows one page at a time with a count, pages forward and
// back, and finds people and teams by search — as plain GET forms without JavaScript, as
// one types with it — and a role is given to someone found by search in a team found by
// the team picker.
const { test, expect } = require("@playwright/test");
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const { server, signIn } = require("./people");

const MEMBERS = 2000;
const TEAMS = 500;

test.describe.configure({ mode: "serial" });

/// Signs the owner in (in a context with or without JavaScript) and works in bigco.
async function inBigco(browser, javaScriptEnabled) {
  const { base } = server();
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await signIn(page);
  const switched = await page.request.post(base + "/orgs/switch", { form: { org: "bigco" }, headers: { origin: base }, maxRedirects: 0 });
  expect(switched.status()).toBe(303);
  return { context, page, base };
}

test.beforeAll(async ({ browser }) => {
  const { base, dataDir } = server();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page);
  const made = await page.request.post(base + "/api/v1/orgs", { data: { slug: "bigco", name: "BigCo" }, headers: { origin: base } });
  expect(made.status()).toBe(201);
  execFileSync("python3", [
    path.join(__dirname, "..", "fixtures", "seed_large_org.py"),
    path.join(dataDir, "foxgate.db"),
    "bigco",
    String(MEMBERS),
    String(TEAMS),
  ]);
  await context.close();
});

test("members come one page at a time, with a count, and search works without JavaScript", async ({ browser }) => {
  const { context, page, base } = await inBigco(browser, false);
  const res = await page.goto(base + "/members");
  // One page of rows in the HTML, never the org.
  expect((await res.body()).length).toBeLessThan(150 * 1024);
  await expect(page.getByTestId("member-count")).toHaveText("2,001 members");
  const rows = page.getByTestId("members-table").locator("tbody tr");
  await expect(rows).toHaveCount(50);
  const first = await rows.first().textContent();

  await page.getByTestId("members-next").click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(rows).toHaveCount(50);
  expect(await rows.first().textContent()).not.toBe(first);
  await page.getByTestId("members-next").click();
  await page.getByTestId("members-previous").click();
  await page.getByTestId("members-previous").click();
  await expect(rows.first()).toHaveText(first);
  await expect(page.getByTestId("members-previous")).toHaveCount(0);

  const search = page.getByTestId("member-search");
  await search.getByLabel("Email or name").fill("user-0123");
  await search.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=user-0123/);
  await expect(page.getByTestId("member-count")).toHaveText("10 members match");
  await expect(rows).toHaveCount(10);

  // A member of many teams: the row shows their first 20 grants and says how many more.
  await search.getByLabel("Email or name").fill("user-00000");
  await search.getByRole("button", { name: "Search" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator("li")).toHaveCount(20);
  await expect(rows.first()).toContainText("and 12 more");

  await page.goto(base + "/teams?q=team-04");
  await expect(page.getByTestId("team-count")).toHaveText("100 teams match");
  await expect(page.getByTestId("teams-table").locator("tbody tr")).toHaveCount(50);
  await context.close();
});

test("with JavaScript the list follows the typing, and a role goes to someone found by search", async ({ browser }) => {
  const { context, page, base } = await inBigco(browser, true);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // A panic in the console's wasm logs its message before the trap ("unreachable").
  page.on("console", (m) => m.text().includes("panicked") && errors.push(`${page.url()}: ${m.text().slice(0, 2000)}`));
  await page.goto(base + "/members");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
  await expect(page.getByTestId("member-count")).toHaveText("2,001 members");
  // No button pressed: a short pause after typing is enough.
  const field = page.getByTestId("member-search").getByLabel("Email or name");
  // The list is redrawn in place: the page is never reloaded, so no key typed is lost.
  await page.evaluate(() => (window.sameDocument = true));
  await field.pressSequentially("user-01234", { delay: 20 });
  await expect(page).toHaveURL(/q=user-01234/);
  await expect(page.getByTestId("member-count")).toHaveText("1 member");
  await expect(field).toBeFocused();
  await expect(field).toHaveValue("user-01234");
  expect(await page.evaluate(() => window.sameDocument)).toBe(true);

  const give = page.locator("section", { hasText: "Give a role" });
  await expect(give.locator("select[name=user_id] option")).toHaveCount(1);
  await give.locator("select[name=role]").selectOption({ label: "Viewer" });
  const team = give.locator("input[name=team]");
  await team.pressSequentially("team-004", { delay: 20 });
  // Suggestions, a handful at a time, never 500 options.
  await expect(give.locator("datalist option")).toHaveCount(10);
  await team.fill("team-0042");
  await give.getByRole("button", { name: "Give role" }).click();
  await expect(page.getByTestId("members-table")).toContainText("Viewer · team Team 42");

  await page.goto(base + "/teams");
  await expect(page.getByTestId("team-count")).toHaveText("500 teams");
  await page.getByTestId("team-search").getByLabel("Name or slug").pressSequentially("team-049", { delay: 20 });
  await expect(page.getByTestId("team-count")).toHaveText("10 teams match");
  await page.getByRole("link", { name: "Team 490", exact: true }).click();
  await expect(page.getByTestId("team-member-count")).toHaveText("4 members");
  expect(errors).toEqual([]);
  await context.close();
});
