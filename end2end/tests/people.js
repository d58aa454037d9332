// What every spec shares: the running server's address, the org owner, and signing in the
// way a person does — the email first, then the password the email's org asks for.
const { expect } = require("@playwright/test");
const fs = require("node:fs");
const path = require("node:path");

const server = () => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "test-results", "server.json"), "utf8"));
const OWNER = { email: "owner@acme.test", password: "correct-horse-battery" };

// Fills both steps of /login (already open, or opened here) and submits the password.
async function submitPassword(page, who = OWNER, { open = true } = {}) {
  if (open) await page.goto(server().base + "/login");
  await page.fill("#email", who.email);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await page.fill("#password", who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

// Signs in and waits for the dashboard.
async function signIn(page, who = OWNER) {
  await submitPassword(page, who);
  await expect(page).toHaveURL(server().base + "/");
}

module.exports = { server, OWNER, submitPassword, signIn };
