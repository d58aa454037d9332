-- When each member last signed in to the org (password or single sign-on), for the Members
-- page; NULL until their first sign-in after this migration.
ALTER TABLE memberships ADD COLUMN last_signin_at BIGINT;
