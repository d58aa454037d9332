-- An org may log each denied decision its services ask about (off by default: decisions
-- are otherwise only counted per caller per minute).
ALTER TABLE orgs ADD COLUMN log_denied_decisions BIGINT NOT NULL DEFAULT 0;
