-- Prefix search from an index (issue 18): members by email or name, tokens by name, each
-- compared lowercased. `text_pattern_ops` lets `LIKE 'prefix%'` use the index whatever the
-- database's collation (a plain index serves LIKE only under the C collation).
CREATE INDEX users_email_lower ON users (LOWER(email) text_pattern_ops);
CREATE INDEX users_name_lower ON users (LOWER(display_name) text_pattern_ops);
CREATE INDEX tokens_org_name ON tokens (org_id, LOWER(name) text_pattern_ops);
