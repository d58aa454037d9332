-- Events per org and UTC day, kept up by each append in its own transaction, so the
-- Activity page's chart sums a few hundred rows instead of counting millions of events.
-- `team_id` and `entity_type` are '' when the event has none (a key column cannot be NULL).
CREATE TABLE audit_daily (
    org_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    team_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (org_id, day, team_id, entity_type)
);
INSERT INTO audit_daily (org_id, day, team_id, entity_type, events)
SELECT org_id, created_at - created_at % 86400000, COALESCE(team_id, ''), COALESCE(entity_type, ''), COUNT(*)
FROM audit_events
WHERE org_id IS NOT NULL
GROUP BY org_id, created_at - created_at % 86400000, COALESCE(team_id, ''), COALESCE(entity_type, '');

-- Left by the retention purge: the position and hash of the last event it deleted from a
-- chain, signed with a key derived from the server key. Verification starts from it, so
-- events deleted from the start of a chain any other way are reported.
CREATE TABLE audit_checkpoints (
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
