-- Tamper evidence: per org (or '' for events of no org), events form a chain. Each stores
-- its position and the SHA-256 of the previous event's hash and its own canonical form, so
-- an edited, deleted or reordered row breaks the chain at that point. Events written before
-- this migration carry no hash and are reported as unchained, not as broken.
ALTER TABLE audit_events ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;

-- The head of each chain. Bumping `seq` first takes the row's write lock, which serializes
-- appends to one chain across connections (and processes) until the transaction ends.
CREATE TABLE audit_chain (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_chain ON audit_events(org_id, chain_seq);
