-- Credentials for a person's scripts (README, "Scripts acting as you").
--
-- Foxgate's keys for signing access tokens (JWT, EdDSA). The private half is sealed under the
-- server key; the public half stays published at /.well-known/jwks.json until every token it
-- signed has expired (`retired_at` + the access-token lifetime).
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    private_key_sealed TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

-- A script asking to act as a person (RFC 8628): the device code only as a keyed hash, the
-- short code the person types, what the script asked for, and how the person answered
-- (`status`: pending, approved, denied, redeemed).
CREATE TABLE device_requests (
    id TEXT PRIMARY KEY,
    device_code_hash TEXT NOT NULL UNIQUE,
    user_code TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    requested_ip TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    interval_secs BIGINT NOT NULL,
    last_polled_at BIGINT,
    status TEXT NOT NULL,
    grant_id TEXT
);
CREATE INDEX device_requests_expiry ON device_requests(expires_at);

-- What a person approved for one script: its org, the permissions (space-separated words),
-- and when the whole grant ends however often it refreshes.
CREATE TABLE script_grants (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    permissions TEXT NOT NULL,
    requested_ip TEXT,
    approved_ip TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_refreshed_at BIGINT,
    last_refreshed_ip TEXT,
    revoked_at BIGINT,
    revoked_reason TEXT
);
CREATE INDEX script_grants_user ON script_grants(user_id, org_id, created_at);

-- Refresh tokens as keyed hashes, one use each: a used one presented again ends its grant.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES script_grants(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens(grant_id);

-- Per org: how long a script grant lives unused (idle) and at most (absolute); NULL: default.
ALTER TABLE orgs ADD COLUMN script_idle_days BIGINT;
ALTER TABLE orgs ADD COLUMN script_max_days BIGINT;

-- Per identity provider, opt-in: the audience its own JWTs carry when they are meant for
-- Foxgate's API; such a token is then accepted as a bearer (NULL: never).
ALTER TABLE identity_providers ADD COLUMN api_audience TEXT;
