// Playwright drives Debian's chromium (never a downloaded browser) against a real
// Foxgate that global-setup.js starts on a free port with a fresh SQLite data dir.
const { defineConfig } = require("@playwright/test");

module.exports = defineConfig({
  testDir: "./tests",
  globalSetup: require.resolve("./global-setup.js"),
  globalTeardown: require.resolve("./global-teardown.js"),
  workers: 1,
  retries: 0,
  timeout: 60_000,
  outputDir: "./test-results",
  reporter: [["list"]],
  use: {
    headless: true,
    screenshot: "on",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
