-- The tokens list is a page newest first (issue 18): walk an org's tokens, a team's tokens
-- or one creator's tokens by (created_at, id), so each filter's first page reads only the
-- rows it shows.
DROP INDEX tokens_org;
CREATE INDEX tokens_org ON tokens(org_id, created_at, id);
CREATE INDEX tokens_team ON tokens(team_id, created_at, id);
CREATE INDEX tokens_creator ON tokens(created_by, created_at, id);
