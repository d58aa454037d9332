// Signed requests (HTTP Message Signatures, RFC 9421) made by a library nobody at Foxgate
// wrote: npm http-message-signatures (pinned in package.json) builds every signature; this
// script only chooses what to sign and then tampers with the result the way an attacker
// would. Node's crypto makes the keys and the Content-Digest (RFC 9530) hashes.
// Usage: node interop/signed.mjs keygen <ed25519|ecdsa-p256-sha256>
//          prints {"public_pem", "public_jwk", "private_pem"}
//        node interop/signed.mjs run <base URL> <key id> <alg> <private PEM file> <org slug>
//          prints {"<case>": {"status", "body"}} for each case below.
import { httpbis, createSigner } from "http-message-signatures";
import { createHash, generateKeyPairSync, createPrivateKey, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

const [mode, ...args] = process.argv.slice(2);
const curve = (alg) => (alg === "ed25519" ? ["ed25519", {}] : ["ec", { namedCurve: "P-256" }]);

if (mode === "keygen") {
  const [type, options] = curve(args[0]);
  const { publicKey, privateKey } = generateKeyPairSync(type, options);
  console.log(JSON.stringify({
    public_pem: publicKey.export({ type: "spki", format: "pem" }),
    public_jwk: JSON.stringify(publicKey.export({ format: "jwk" })),
    private_pem: privateKey.export({ type: "pkcs8", format: "pem" }),
  }));
  process.exit(0);
}

const [base, keyId, alg, privateFile, org] = args;
const key = createSigner(createPrivateKey(readFileSync(privateFile)), alg, keyId);
const [otherType, otherOptions] = curve(alg);
const otherKey = createSigner(generateKeyPairSync(otherType, otherOptions).privateKey, alg, keyId);
const digest = (body) => `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
const nonce = () => randomBytes(16).toString("base64url");

// Signs {method, url, headers, body} with the library; `fields` are the covered components.
async function sign(request, { fields, signer = key, created = new Date(), params = ["created", "keyid", "alg", "nonce"] }) {
  const headers = { ...request.headers };
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-digest"] = digest(request.body);
  }
  const signed = await httpbis.signMessage(
    { key: signer, fields, params, paramValues: { created, nonce: nonce() } },
    { method: request.method, url: new URL(request.path, base).toString(), headers },
  );
  return { ...request, headers: signed.headers };
}

async function send({ method, path, headers, body }) {
  const res = await fetch(new URL(path, base), { method, headers, body });
  const text = await res.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  return { status: res.status, body: parsed };
}

const me = { method: "GET", path: "/api/v1/auth/me", headers: {} };
const teams = `/api/v1/orgs/${org}/teams`;
const newTeam = (slug) => ({ method: "POST", path: teams, headers: {}, body: JSON.stringify({ name: slug, slug }) });
const whole = ["@method", "@target-uri"];
const withBody = ["@method", "@target-uri", "content-digest", "content-type"];
const results = {};

const accepted = await sign(me, { fields: whole });
results.accepted = await send(accepted);
results.path_and_authority = await send(await sign(me, { fields: ["@method", "@authority", "@path"] }));
results.with_body = await send(await sign(newTeam("signed-team"), { fields: withBody }));
results.query_signed = await send(await sign({ method: "GET", path: `${teams}?limit=1`, headers: {} }, { fields: ["@method", "@authority", "@path", "@query"] }));

// Tampering: each request below was signed, then changed (or signed wrongly).
results.replayed = await send(accepted);
results.method_changed = await send({ ...(await sign(me, { fields: whole })), method: "DELETE" });
results.path_changed = await send({ ...(await sign(me, { fields: whole })), path: teams });
const bodySigned = await sign(newTeam("body-a"), { fields: withBody });
results.body_changed = await send({ ...bodySigned, body: JSON.stringify({ name: "body-b", slug: "body-b" }) });
const digestSwapped = await sign(newTeam("digest-a"), { fields: withBody });
const otherBody = JSON.stringify({ name: "digest-b", slug: "digest-b" });
results.digest_replaced = await send({ ...digestSwapped, body: otherBody, headers: { ...digestSwapped.headers, "content-digest": digest(otherBody) } });
results.digest_unsigned = await send(await sign(newTeam("no-digest"), { fields: ["@method", "@target-uri"] }));
results.query_unsigned = await send(await sign({ method: "GET", path: `${teams}?limit=1`, headers: {} }, { fields: ["@method", "@authority", "@path"] }));
results.stale = await send(await sign(me, { fields: whole, created: new Date(Date.now() - 10 * 60 * 1000) }));
results.from_the_future = await send(await sign(me, { fields: whole, created: new Date(Date.now() + 2 * 60 * 1000) }));
results.wrong_key = await send(await sign(me, { fields: whole, signer: otherKey }));
results.no_nonce = await send(await sign(me, { fields: whole, params: ["created", "keyid", "alg"] }));
console.log(JSON.stringify(results));
