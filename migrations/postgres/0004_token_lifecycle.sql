-- Token lifecycle: an org's maximum token lifetime, personal tokens, rotation with grace.

-- NULL: tokens may live for ever; otherwise every new token must expire within this many days.
ALTER TABLE orgs ADD COLUMN max_token_lifetime_days INTEGER;

-- Personal tokens act as `user_id`, limited to `permissions` (space-separated words such as
-- `teams:read`); their effective grants are recomputed from the user's on every request.
ALTER TABLE tokens ADD COLUMN user_id TEXT REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE tokens ADD COLUMN permissions TEXT;

-- Rotation: the secret replaced at `rotated_at` stays valid until `previous_valid_until`
-- (a grace period of at most 24 hours), then only the new one works.
ALTER TABLE tokens ADD COLUMN previous_secret_hash TEXT;
ALTER TABLE tokens ADD COLUMN previous_valid_until BIGINT;
ALTER TABLE tokens ADD COLUMN rotated_at BIGINT;

CREATE INDEX tokens_user ON tokens(user_id);
