// Stops the server and the test IdP global-setup.js started and removes its data dir.
const fs = require("node:fs");
const path = require("node:path");

module.exports = async () => {
  const state = JSON.parse(fs.readFileSync(path.join(__dirname, "test-results", "server.json"), "utf8"));
  for (const pid of [state.pid, state.idpPid]) {
    try {
      process.kill(pid, "SIGTERM");
    } catch (_) {
      // already gone
    }
  }
  fs.rmSync(state.dataDir, { recursive: true, force: true });
};
