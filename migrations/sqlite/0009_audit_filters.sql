-- First pages of a filtered activity log, newest first, stay fast on a log of millions of
-- events: each selective filter the Events API offers has an index that yields its matches
-- already in (created_at, id) order, so a page reads about as many rows as it shows. The
-- coarse filters (entity type, outcome, actor kind) match a large share of events, so a
-- newest-first scan finds a page quickly without an index of their own.
CREATE INDEX audit_events_org_entity_id ON audit_events(org_id, entity_id, created_at, id);
CREATE INDEX audit_events_org_actor ON audit_events(org_id, actor_id, created_at, id);
CREATE INDEX audit_events_org_action ON audit_events(org_id, action, created_at, id);
CREATE INDEX audit_events_org_team ON audit_events(org_id, team_id, created_at, id);
CREATE INDEX audit_events_org_ip ON audit_events(org_id, ip, created_at, id);
-- The purge reads by (org_id, created_at) too, so this one only cost every append a write.
DROP INDEX audit_events_time;
