-- The audit log is append-only: the database itself refuses UPDATE and DELETE of events.
-- The one exception is the retention purge, which raises the flag below inside its own
-- transaction (other transactions never see it raised) and lowers it before committing.
CREATE TABLE audit_purge (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    active BIGINT NOT NULL
);
INSERT INTO audit_purge (id, active) VALUES (1, 0);

CREATE FUNCTION audit_events_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND (SELECT active FROM audit_purge WHERE id = 1) = 1 THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are deleted only by the retention purge';
    END IF;
    RAISE EXCEPTION 'audit events are immutable';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_guard();

-- TRUNCATE skips row triggers: refuse it too.
CREATE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are immutable';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();

-- How long each org keeps its events; the purge job deletes older ones.
ALTER TABLE orgs ADD COLUMN audit_retention_days BIGINT NOT NULL DEFAULT 30;
CREATE INDEX audit_events_time ON audit_events(created_at);
