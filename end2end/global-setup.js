// Starts the foxgate binary (FOXGATE_BIN) with a throwaway data dir on a free port, waits
// for the setup code it prints, starts the test OpenID provider (idp/provider.mjs), and
// hands base URL, code and IdP origin to the tests through a file.
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");

const STATE = path.join(__dirname, "test-results", "server.json");

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

module.exports = async () => {
  const bin = process.env.FOXGATE_BIN;
  if (!bin) throw new Error("FOXGATE_BIN is not set: run the browser tests through `cargo xtask test`");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "foxgate-e2e-"));
  const child = spawn(bin, ["serve"], {
    env: {
      ...process.env,
      FOXGATE_ADDR: `127.0.0.1:${port}`,
      FOXGATE_PUBLIC_URL: base,
      FOXGATE_DATA_DIR: dataDir,
      // The test IdP listens on 127.0.0.1, which production refuses.
      FOXGATE_DEV_ALLOW_LOOPBACK_IDP: "1",
      // One database connection: a code path that holds one while it waits for another
      // (which deadlocks a busy pool) fails here at once (docs/architecture.md).
      FOXGATE_DB_MAX_CONNECTIONS: "1",
      RUST_LOG: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = fs.createWriteStream(path.join(dataDir, "server.log"));
  const setupCode = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("foxgate printed no setup code within 30 s")), 30_000);
    let seen = "";
    // Foxgate logs to standard error, the setup code among them.
    child.stdout.on("data", (chunk) => log.write(chunk));
    child.stderr.on("data", (chunk) => {
      log.write(chunk);
      seen += chunk.toString();
      const m = seen.match(/setup code ([A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`foxgate exited early with ${code}`)));
  });
  const idp = spawn(process.execPath, [path.join(__dirname, "idp", "provider.mjs")], {
    stdio: ["pipe", "pipe", "ignore"],
  });
  const idpReady = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the test IdP did not start within 30 s")), 30_000);
    idp.stdout.once("data", (chunk) => {
      clearTimeout(timer);
      resolve(JSON.parse(chunk.toString().split("\n")[0]));
    });
    idp.on("exit", (code) => reject(new Error(`the test IdP exited early with ${code}`)));
  });
  fs.mkdirSync(path.dirname(STATE), { recursive: true });
  fs.writeFileSync(
    STATE,
    JSON.stringify({ base, setupCode, pid: child.pid, dataDir, idp: `http://127.0.0.1:${idpReady.port}`, idpPid: idp.pid }),
  );
  child.unref();
  idp.unref();
};
