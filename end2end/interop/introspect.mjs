// A client nobody at Foxgate wrote (npm openid-client, pinned in package.json) discovers
// Foxgate's RFC 8414 metadata and introspects tokens (RFC 7662) with client_secret_basic.
// Usage: node interop/introspect.mjs <issuer> <client_id> <client_secret> <token>...
// Prints one JSON line: {"metadata": {...}, "answers": [{...}, ...]}.
import * as client from "openid-client";

const [issuer, clientId, clientSecret, ...tokens] = process.argv.slice(2);
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, {
  algorithm: "oauth2",
  // The tests run Foxgate on http://127.0.0.1.
  execute: [client.allowInsecureRequests],
});
const answers = [];
for (const token of tokens) {
  try {
    answers.push(await client.tokenIntrospection(config, token));
  } catch (e) {
    // Say what Foxgate answered, for the test's failure message.
    console.error(e.message, JSON.stringify(e.cause), e.response?.status);
    process.exit(1);
  }
}
console.log(JSON.stringify({ metadata: config.serverMetadata(), answers }));
