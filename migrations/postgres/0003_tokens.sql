-- API tokens. `id` is the token's public id (part of the token itself); the secret is kept
-- only as HMAC-SHA-256 under the server key. `role_ids` lists the roles the token carries,
-- separated by spaces, at org scope (org admin tokens) or in `team_id` (team tokens).
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    team_id TEXT REFERENCES teams(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    role_ids TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    -- Recorded at most once a minute per token, so using a token is not a write per request.
    last_used_at BIGINT,
    last_used_ip TEXT
);
CREATE INDEX tokens_org ON tokens(org_id, created_at);
