-- Foxgate's first schema: instance, orgs, users with local credentials, memberships,
-- grants, sessions and the audit log. Ids are UUIDv7 text; times are UTC unix milliseconds.

-- One row once first-run setup has happened; the primary key makes a second setup fail.
CREATE TABLE instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    setup_at BIGINT NOT NULL
);

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    disabled_at BIGINT,
    created_at BIGINT NOT NULL
);

-- Local break-glass accounts: email + Argon2id hash (PHC string).
CREATE TABLE local_credentials (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

-- A role given to a member at org scope (team_id NULL) or for one team.
CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    team_id TEXT,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES memberships(org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX grants_member ON grants(org_id, user_id);

-- Server-side sessions (tower-sessions). user_id is copied out of the record so that
-- all sessions of a user can be listed and ended.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    org_id TEXT,
    team_id TEXT,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    actor_label TEXT,
    action TEXT NOT NULL,
    entity_type TEXT,
    entity_id TEXT,
    entity_label TEXT,
    outcome TEXT NOT NULL,
    reason TEXT,
    ip TEXT,
    origin TEXT,
    request_id TEXT,
    snapshot TEXT
);
CREATE INDEX audit_events_org_time ON audit_events(org_id, created_at, id);
