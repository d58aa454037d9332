-- Prefix search from an index (issue 18): members by email or name, tokens by name, each
-- compared lowercased. SQLite's LIKE uses no index on an expression, so these queries
-- ask for a range of LOWER(column) instead (store::sql::Prefix).
CREATE INDEX users_email_lower ON users(LOWER(email));
CREATE INDEX users_name_lower ON users(LOWER(display_name));
CREATE INDEX tokens_org_name ON tokens(org_id, LOWER(name));
