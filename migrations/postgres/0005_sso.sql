-- Single sign-on: each org's OpenID Connect providers, the IdP identities users are known
-- by, grants that came from group mapping, and the org's "require SSO" switch.

-- One row per provider. The client secret is AES-256-GCM ciphertext tagged with the id of
-- the key that sealed it (`v1.<key id>.<base64>`), never the secret itself. Space-separated
-- lists keep the row readable; `group_rules` is a JSON array of {group, team_id, role_id}.
CREATE TABLE identity_providers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret_sealed TEXT,
    scopes TEXT NOT NULL,
    allowed_domains TEXT NOT NULL,
    allowed_tenants TEXT NOT NULL,
    groups_claim TEXT,
    group_rules TEXT NOT NULL,
    default_role_id TEXT,
    enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX identity_providers_org ON identity_providers(org_id);

-- How a user is known to an IdP: (issuer, subject), or for Entra ID ('entra:' || tid, oid).
-- Never the email: an email match alone must not sign anyone into an existing account.
CREATE TABLE user_identities (
    issuer_key TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    idp_id TEXT REFERENCES identity_providers(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    last_signin_at BIGINT NOT NULL,
    PRIMARY KEY (issuer_key, subject)
);
CREATE INDEX user_identities_user ON user_identities(user_id);

-- Grants made by group mapping name their provider; a later sign-in replaces exactly these
-- and keeps the ones an admin gave by hand (NULL).
ALTER TABLE grants ADD COLUMN source_idp_id TEXT;

ALTER TABLE orgs ADD COLUMN require_sso BIGINT NOT NULL DEFAULT 0;
