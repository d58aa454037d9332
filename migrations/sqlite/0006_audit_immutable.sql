-- The audit log is append-only: the database itself refuses UPDATE and DELETE of events.
-- The one exception is the retention purge, which raises the flag below inside its own
-- transaction (other transactions never see it raised) and lowers it before committing.
CREATE TABLE audit_purge (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    active BIGINT NOT NULL
);
INSERT INTO audit_purge (id, active) VALUES (1, 0);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are immutable');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN (SELECT active FROM audit_purge WHERE id = 1) = 0
BEGIN
    SELECT RAISE(ABORT, 'audit events are deleted only by the retention purge');
END;

-- How long each org keeps its events; the purge job deletes older ones.
ALTER TABLE orgs ADD COLUMN audit_retention_days BIGINT NOT NULL DEFAULT 30;
CREATE INDEX audit_events_time ON audit_events(created_at);
