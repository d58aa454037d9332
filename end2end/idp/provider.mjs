// The test identity provider: the OpenID Certified `oidc-provider`, serving four issuers on
// one 127.0.0.1 port, shaped like Okta, Entra ID (a tenant plus the multi-tenant `/common`
// discovery), Auth0 and Google. Prints {"port":N} when ready and exits when stdin closes, so
// it dies with the test process that started it.
//
// Test-only endpoints (JSON bodies):
//   POST /__test/clients {redirect_uri}      → {client_id, client_secret}, on every issuer
//   POST /__test/users {login, claims}       → an account; `claims` are what its tokens say
//   POST /__test/tamper {client_id, mode}    → the next ID token issued to that client is
//        altered the way an attacker or a broken IdP would (see TAMPER below)
//   POST /__test/rotate                      → the generic issuer signs with a new key and
//        publishes only that one
// The login page (/…/interaction/{uid}) takes any known login with password "correct horse".

import Provider from 'oidc-provider';
import * as jose from 'jose';
import http from 'node:http';
import crypto from 'node:crypto';

export const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const PASSWORD = 'correct horse';

// oidc-provider's own in-memory adapter is an LRU of 1000 entries: a long test run would
// evict clients registered early. This one keeps everything until the process ends, and is
// shared by every issuer (so a rotated issuer keeps its clients and sessions).
const stored = new Map();
const byGrant = new Map();
class MapAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    stored.set(this.key(id), { payload, expiresAt });
    if (payload.grantId) {
      byGrant.set(payload.grantId, [...(byGrant.get(payload.grantId) || []), this.key(id)]);
    }
  }

  async find(id) {
    const entry = stored.get(this.key(id));
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  }

  async findBy(field, value) {
    for (const [key, entry] of stored) {
      if (key.startsWith(`${this.model}:`) && entry.payload[field] === value && entry.expiresAt > Date.now()) {
        return entry.payload;
      }
    }
    return undefined;
  }

  findByUid(uid) {
    return this.findBy('uid', uid);
  }

  findByUserCode(userCode) {
    return this.findBy('userCode', userCode);
  }

  async consume(id) {
    const entry = stored.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    stored.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const key of byGrant.get(grantId) || []) stored.delete(key);
    byGrant.delete(grantId);
  }
}

const accounts = new Map();
const tamper = new Map();

const SHAPES = [
  // Okta: groups only when the `groups` scope is asked for.
  { name: 'okta', prefix: '/okta/oauth2/default', title: 'Okta', claims: { groups: ['groups'] } },
  // Entra ID: tid/oid/preferred_username always; groups sent without a scope; overage markers.
  {
    name: 'entra',
    prefix: `/entra/${TENANT}/v2.0`,
    title: 'Microsoft',
    claims: { openid: ['sub', 'tid', 'oid', 'groups', '_claim_names', '_claim_sources'] },
  },
  // Auth0: the issuer ends with a slash; groups under a namespaced claim.
  {
    name: 'auth0',
    prefix: '/auth0',
    issuerSuffix: '/',
    title: 'Auth0',
    claims: { openid: ['sub', 'https://foxgate.test/groups'] },
  },
  // Google: `hd` names the Workspace domain.
  { name: 'google', prefix: '/google', title: 'Google', claims: { openid: ['sub', 'hd'] } },
  // An IdP some org admin runs that says whatever it likes, Entra's claims included, at an
  // issuer that even names the real tenant: the cross-org takeover tests sign in through it.
  {
    name: 'rogue',
    prefix: `/rogue/${TENANT}/v2.0`,
    title: 'Rogue',
    claims: { openid: ['sub', 'tid', 'oid', 'groups'] },
  },
  // A plain OpenID provider whose signing key the tests rotate (POST /__test/rotate).
  { name: 'generic', prefix: '/generic', title: 'OpenID', claims: { groups: ['groups'] } },
];

const baseClaims = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username', 'updated_at'],
};

async function keyPair() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  jwk.kid = crypto.randomUUID();
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return { privateKey, jwk };
}

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:sans-serif;max-width:24rem;margin:4rem auto">${body}</body></html>`;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString();
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

// Each mode breaks one rule a relying party must check.
const TAMPER = {
  alg_none: null,
  bad_signature: (p) => p,
  unknown_kid: (p) => p,
  wrong_aud: (p) => ({ ...p, aud: 'someone-else' }),
  extra_aud: (p) => {
    const q = { ...p, aud: [p.aud, 'someone-else'] };
    delete q.azp;
    return q;
  },
  wrong_azp: (p) => ({ ...p, azp: 'someone-else' }),
  expired: (p) => ({ ...p, iat: p.iat - 300, exp: Math.floor(Date.now() / 1000) - 120 }),
  stale_iat: (p) => ({ ...p, iat: p.iat - 3600 }),
  wrong_iss: (p) => ({ ...p, iss: `${p.iss}-evil` }),
  wrong_nonce: (p) => ({ ...p, nonce: 'not-the-nonce' }),
  no_nonce: (p) => {
    const q = { ...p };
    delete q.nonce;
    return q;
  },
  bad_at_hash: (p) => ({ ...p, at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }),
};

async function tamperToken(mode, idToken, key, stranger) {
  const header = jose.decodeProtectedHeader(idToken);
  const payload = jose.decodeJwt(idToken);
  if (mode === 'alg_none') {
    const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`;
  }
  const signer = mode === 'bad_signature' || mode === 'unknown_kid' ? stranger.privateKey : key.privateKey;
  const kid = mode === 'unknown_kid' ? 'rotated-away' : header.kid;
  return new jose.SignJWT(TAMPER[mode](payload)).setProtectedHeader({ alg: 'RS256', kid }).sign(signer);
}

function clientIdOf(req) {
  const auth = req.headers.authorization || '';
  if (!auth.startsWith('Basic ')) return null;
  const [id] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
  return decodeURIComponent(id);
}

// Rewrites the token endpoint's answer when a tamper mode is armed for this client.
function interceptTokenResponse(req, res, key, stranger) {
  const clientId = clientIdOf(req);
  const mode = clientId && tamper.get(clientId);
  if (!mode) return;
  tamper.delete(clientId);
  const chunks = [];
  const end = res.end.bind(res);
  res.write = (chunk) => {
    chunks.push(Buffer.from(chunk));
    return true;
  };
  res.end = (chunk, ...rest) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
    const body = JSON.parse(Buffer.concat(chunks).toString());
    tamperToken(mode, body.id_token, key, stranger).then((idToken) => {
      body.id_token = idToken;
      res.removeHeader('content-length');
      end(JSON.stringify(body));
    });
    return res;
  };
}

async function main() {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const stranger = await keyPair();

  // One provider instance per shape; rotating a key makes a new instance (the adapter's
  // storage is shared, so clients, grants and sessions carry over).
  function provide(shape) {
    const claims = { ...baseClaims };
    for (const [scope, names] of Object.entries(shape.claims)) {
      claims[scope] = [...(claims[scope] || []), ...names];
    }
    return new Provider(shape.issuer, {
      adapter: MapAdapter,
      clients: [],
      jwks: { keys: [shape.key.jwk] },
      claims,
      scopes: ['openid', 'offline_access', ...Object.keys(claims)],
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      features: { devInteractions: { enabled: false } },
      cookies: { keys: [shape.cookieKey] },
      interactions: { url: (ctx, interaction) => `${shape.prefix}/interaction/${interaction.uid}` },
      findAccount: async (ctx, id) => {
        const account = accounts.get(id);
        if (!account) return undefined;
        return { accountId: id, claims: async () => ({ sub: id, ...account }) };
      },
      // Consent is the IdP admin's business, not the test's: grant what was asked.
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
        grant.addOIDCClaims(Object.values(claims).flat());
        await grant.save();
        return grant;
      },
    });
  }

  for (const shape of SHAPES) {
    shape.key = await keyPair();
    shape.cookieKey = crypto.randomBytes(32).toString('hex');
    shape.issuer = `${origin}${shape.prefix}${shape.issuerSuffix || ''}`;
    shape.provider = provide(shape);
  }

  const routes = async (req, res) => {
    const url = new URL(req.url, origin);
    if (url.pathname === '/__test/clients' && req.method === 'POST') {
      const { redirect_uri } = JSON.parse(await readBody(req));
      const client = {
        client_id: `client-${crypto.randomUUID()}`,
        client_secret: crypto.randomBytes(24).toString('base64url'),
        redirect_uris: [redirect_uri],
        post_logout_redirect_uris: [redirect_uri.replace(/\/sso\/callback$/, '/login')],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      };
      for (const shape of SHAPES) await shape.provider.Client.adapter.upsert(client.client_id, client);
      return json(res, 201, { client_id: client.client_id, client_secret: client.client_secret });
    }
    if (url.pathname === '/__test/users' && req.method === 'POST') {
      const { login, claims } = JSON.parse(await readBody(req));
      accounts.set(login, claims);
      return json(res, 201, { login });
    }
    if (url.pathname === '/__test/rotate' && req.method === 'POST') {
      const shape = SHAPES.find((s) => s.name === 'generic');
      shape.key = await keyPair();
      shape.provider = provide(shape);
      return json(res, 201, { kid: shape.key.jwk.kid });
    }
    if (url.pathname === '/__test/tamper' && req.method === 'POST') {
      const { client_id, mode } = JSON.parse(await readBody(req));
      if (!(mode in TAMPER)) return json(res, 400, { error: `unknown mode ${mode}` });
      tamper.set(client_id, mode);
      return json(res, 201, { mode });
    }
    // Entra ID's multi-tenant discovery: the tenant's document, with the issuer template.
    if (url.pathname === '/entra/common/v2.0/.well-known/openid-configuration') {
      const entra = SHAPES.find((s) => s.name === 'entra');
      const doc = await (await fetch(`${entra.issuer}/.well-known/openid-configuration`)).json();
      doc.issuer = `${origin}/entra/{tenantid}/v2.0`;
      return json(res, 200, doc);
    }
    const shape = SHAPES.find((s) => url.pathname === s.prefix || url.pathname.startsWith(`${s.prefix}/`));
    if (!shape) return json(res, 404, { error: 'not_found' });
    const rest = url.pathname.slice(shape.prefix.length) || '/';
    const interaction = rest.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (interaction) return login(shape, req, res, interaction[2] === '/login');
    if (rest === '/token' && req.method === 'POST') interceptTokenResponse(req, res, shape.key, stranger);
    // Mounted under a path, as express would: oidc-provider reads originalUrl for its links.
    req.originalUrl = req.url;
    req.url = req.url.slice(shape.prefix.length) || '/';
    return shape.provider.callback()(req, res);
  };

  async function login(shape, req, res, submitted) {
    const details = await shape.provider.interactionDetails(req, res);
    if (submitted) {
      const form = new URLSearchParams(await readBody(req));
      const name = form.get('username') || '';
      if (accounts.has(name) && form.get('password') === PASSWORD) {
        return shape.provider.interactionFinished(req, res, { login: { accountId: name } }, { mergeWithLastSubmission: false });
      }
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(`Sign in – ${shape.title}`, `<h1>Sign in to ${shape.title}</h1>
${submitted ? '<p role="alert">Unknown user or wrong password.</p>' : ''}
<form method="post" action="${shape.prefix}/interaction/${details.uid}/login">
<label>Username <input name="username" autofocus></label><br>
<label>Password <input name="password" type="password"></label><br>
<button type="submit">Sign in</button></form>`));
  }

  server.on('request', (req, res) => {
    routes(req, res).catch((e) => {
      if (!res.headersSent) json(res, 500, { error: String(e) });
    });
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  console.log(JSON.stringify({ port: server.address().port, tenant: TENANT }));
  // The test reads only that line and may close the pipe: later output goes to stderr.
  process.stdout.on('error', () => {});
  console.log = console.error;
}

main();
