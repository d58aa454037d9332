// The audit trail on the Activity page (named to run after the specs that set up and use the
// instance): a change made in one browser appears live (no reload) in another browser's
// Activity page, the filters narrow the table, a row opens its details, and the selection
// downloads as CSV.
const { test, expect } = require("@playwright/test");
const fs = require("node:fs");
const path = require("node:path");

const { server, signIn } = require("./people");
const shots = path.join(__dirname, "..", "artifacts");

async function signedIn(browser, base) {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signIn(page);
  return page;
}

test("changes appear live in the activity log, filters narrow it, the export downloads", async ({ browser }) => {
  const { base } = server();
  const watcher = await signedIn(browser, base);
  const errors = [];
  watcher.on("pageerror", (e) => errors.push(e.message));
  const actor = await signedIn(browser, base);

  await watcher.getByRole("link", { name: "Activity" }).click();
  await expect(watcher).toHaveURL(base + "/activity");
  await expect(watcher.getByTestId("live-status")).toContainText("Live");
  // The chart of the last 30 days, drawn on the server: today's bar counts the setup so far.
  const chart = watcher.getByTestId("events-per-day");
  await expect(chart).toContainText(/\d+ events from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
  const bars = chart.locator("rect[data-day]");
  expect(await bars.count()).toBe(30);
  const today = Number(await bars.last().getAttribute("data-events"));
  expect(today).toBeGreaterThan(0);
  // The scale names the busiest day's count.
  const busiest = Math.max(...(await bars.evaluateAll((rs) => rs.map((r) => Number(r.dataset.events)))));
  await expect(chart.getByTestId("chart-max")).toHaveText(String(busiest));
  const rows = watcher.getByTestId("event-row");
  const before = await rows.count();

  await actor.goto(base + "/teams");
  const newTeam = actor.locator("section", { hasText: "New team" });
  await newTeam.locator("input[name=name]").fill("Audit Trail");
  await newTeam.locator("input[name=slug]").fill("audit-trail");
  await newTeam.getByRole("button", { name: "Create team" }).click();
  await expect(actor.getByTestId("teams-table")).toContainText("audit-trail");

  // The watcher's page was not reloaded: the new row arrived over the live stream.
  await expect(rows.first()).toContainText("team.created");
  await expect(watcher).toHaveURL(base + "/activity");
  expect(await rows.count()).toBeGreaterThan(before);
  await expect(rows.first()).toContainText("team: Audit Trail");
  await expect(rows.first()).toContainText("owner@acme.test");

  await watcher.locator("select[name=entity_type]").selectOption("token");
  await watcher.getByRole("button", { name: "Apply" }).click();
  await expect(watcher).toHaveURL(/entity_type=token/);
  await expect(rows.first()).toContainText("token.");
  // Events about tokens: their own, and decisions denied to a token as subject.
  for (const text of await rows.locator("td:nth-child(3)").allTextContents()) {
    expect(text).toMatch(/^(token\.|decision\.denied)/);
  }
  await rows.first().getByText("Details").click();
  await expect(rows.first().getByTestId("event-fields")).toContainText("Request");
  await watcher.screenshot({ path: path.join(shots, "40-activity.png"), fullPage: true });

  const [download] = await Promise.all([
    watcher.waitForEvent("download"),
    watcher.getByRole("link", { name: "CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^foxgate-acme-events-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), "utf8");
  const lines = csv.trim().split("\n");
  expect(lines[0]).toMatch(/^time,actor_kind,/);
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => /^(token\.|decision\.denied)/.test(l.split(",")[4]))).toBe(true);

  // The actor filter takes an email, the action filter the start of actions (offered as a
  // list), and an empty selection says so.
  await watcher.goto(base + "/activity");
  await expect(watcher.locator('#known-actions option[value="team.created"]')).toHaveCount(1);
  await watcher.locator("input[name=actor]").fill("owner@acme.test");
  await watcher.locator("input[name=action]").fill("team");
  await watcher.getByRole("button", { name: "Apply" }).click();
  await expect(watcher).toHaveURL(/actor=owner%40acme.test&action=team|action=team.*actor=owner/);
  await expect(rows.first()).toContainText("team.created");
  for (const text of await rows.locator("td:nth-child(3)").allTextContents()) {
    expect(text.startsWith("team.")).toBe(true);
  }
  // The chart follows the filters: its bars count these events only, and a bar keeps them.
  const filteredChart = watcher.getByTestId("events-per-day");
  await expect(filteredChart).toContainText("matching the filters");
  const shown = await rows.count();
  expect(shown).toBeLessThan(50);
  const counted = await filteredChart.locator("rect[data-day]").evaluateAll((rs) => rs.reduce((n, r) => n + Number(r.dataset.events), 0));
  expect(counted).toBe(shown);
  expect(await filteredChart.locator("a").last().getAttribute("href")).toMatch(/action=team/);
  // A bar narrows the log to its day.
  await watcher.goto(base + "/activity");
  const day = await watcher.getByTestId("events-per-day").locator("rect[data-day]").last().getAttribute("data-day");
  await watcher.getByTestId("events-per-day").locator("a").last().click();
  await expect(watcher).toHaveURL(new RegExp(`since=${day}&until=${day}`));
  await expect(watcher.locator("select[name=since]")).toHaveValue(day);
  await expect(watcher.locator("input[name=until]")).toHaveValue(day);
  await expect(rows.first()).toBeVisible();
  await watcher.goto(base + "/activity?actor=nobody@acme.test");
  await expect(watcher.getByTestId("no-events")).toHaveText("No events match these filters.");
  expect(errors, "no script errors").toEqual([]);
});
