// A script acting as a person, written with clients nobody at Foxgate wrote (npm
// openid-client for OAuth, jose for JWTs; pinned in package.json): the device authorization
// grant (RFC 8628), offline verification of the access token against Foxgate's JWKS, a call
// to Foxgate's API with it, a refresh, and a replay of the spent refresh token.
// Usage: node interop/device.mjs <issuer> <client_id> <scope>
// Prints one JSON line with the user code as soon as it has one (the test approves it), then
// one JSON line with everything it saw.
import * as client from "openid-client";
import * as jose from "jose";

const [issuer, clientId, scope] = process.argv.slice(2);
const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
  algorithm: "oauth2",
  // The tests run Foxgate on http://127.0.0.1.
  execute: [client.allowInsecureRequests],
});
const metadata = config.serverMetadata();
const started = await client.initiateDeviceAuthorization(config, { scope });
console.log(JSON.stringify({ user_code: started.user_code, verification_uri_complete: started.verification_uri_complete }));

const jwks = jose.createRemoteJWKSet(new URL(metadata.jwks_uri));
const verify = async (token) => {
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
    issuer: metadata.issuer,
    audience: metadata.issuer,
    typ: "at+jwt",
    algorithms: ["EdDSA"],
  });
  return { payload, kid: protectedHeader.kid };
};
const me = async (token) => {
  const res = await fetch(new URL("/api/v1/auth/me", issuer), { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
};
const refusal = async (refreshToken) => {
  try {
    await client.refreshTokenGrant(config, refreshToken);
    return "accepted";
  } catch (e) {
    return e.error ?? e.message;
  }
};

try {
  const first = await client.pollDeviceAuthorizationGrant(config, started);
  const firstClaims = await verify(first.access_token);
  const firstMe = await me(first.access_token);
  const second = await client.refreshTokenGrant(config, first.refresh_token);
  const secondClaims = await verify(second.access_token);
  const replayed = await refusal(first.refresh_token);
  const afterReplay = await refusal(second.refresh_token);
  const secondMe = await me(second.access_token);
  console.log(JSON.stringify({
    first: { ...firstClaims, scope: first.scope, expires_in: first.expires_in, token_type: first.token_type },
    me: firstMe,
    refreshed: { ...secondClaims, rotated: second.refresh_token !== first.refresh_token },
    replayed,
    after_replay: afterReplay,
    me_after_replay: secondMe,
  }));
} catch (e) {
  console.error(e.message, JSON.stringify(e.cause), e.error);
  process.exit(1);
}
