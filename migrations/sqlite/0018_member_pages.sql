-- The members list is a page by email (issue 18): walk users by email and probe the
-- membership, and start the role and team filters from the grants that match them.
CREATE INDEX users_email ON users(email);
CREATE INDEX grants_org_role ON grants(org_id, role_id, user_id);
CREATE INDEX grants_org_team ON grants(org_id, team_id, user_id);
