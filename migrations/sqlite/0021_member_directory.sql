-- Each membership carries a copy of what the members list filters and orders by (issue 18):
-- the member's email, name and disabled time, and whether they have a password and an IdP
-- identity. A page or a count of members then reads one table through one index of the org,
-- instead of joining users and credentials row by row. Triggers keep every copy equal to
-- its source, whatever code writes the source (each trigger runs the same UPDATE: SQLite
-- has no stored functions).
ALTER TABLE memberships ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN disabled_at BIGINT;
ALTER TABLE memberships ADD COLUMN has_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN has_sso INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER memberships_copy_new AFTER INSERT ON memberships BEGIN
    UPDATE memberships SET
        email = (SELECT email FROM users WHERE id = NEW.user_id),
        display_name = (SELECT display_name FROM users WHERE id = NEW.user_id),
        disabled_at = (SELECT disabled_at FROM users WHERE id = NEW.user_id),
        has_password = EXISTS (SELECT 1 FROM local_credentials WHERE user_id = NEW.user_id),
        has_sso = EXISTS (SELECT 1 FROM user_identities WHERE user_id = NEW.user_id)
    WHERE org_id = NEW.org_id AND user_id = NEW.user_id;
END;
CREATE TRIGGER memberships_copy_user AFTER UPDATE OF email, display_name, disabled_at ON users
BEGIN
    UPDATE memberships SET email = NEW.email, display_name = NEW.display_name,
        disabled_at = NEW.disabled_at
    WHERE user_id = NEW.id;
END;
CREATE TRIGGER memberships_copy_password_new AFTER INSERT ON local_credentials BEGIN
    UPDATE memberships SET has_password = 1 WHERE user_id = NEW.user_id;
END;
CREATE TRIGGER memberships_copy_password_gone AFTER DELETE ON local_credentials BEGIN
    UPDATE memberships SET has_password = 0 WHERE user_id = OLD.user_id;
END;
CREATE TRIGGER memberships_copy_password_moved AFTER UPDATE OF user_id ON local_credentials
BEGIN
    UPDATE memberships SET has_password = 0 WHERE user_id = OLD.user_id;
    UPDATE memberships SET has_password = 1 WHERE user_id = NEW.user_id;
END;
CREATE TRIGGER memberships_copy_identity_new AFTER INSERT ON user_identities BEGIN
    UPDATE memberships SET has_sso = 1 WHERE user_id = NEW.user_id;
END;
CREATE TRIGGER memberships_copy_identity_gone AFTER DELETE ON user_identities BEGIN
    UPDATE memberships
    SET has_sso = EXISTS (SELECT 1 FROM user_identities WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id;
END;
CREATE TRIGGER memberships_copy_identity_moved AFTER UPDATE OF user_id ON user_identities
BEGIN
    UPDATE memberships
    SET has_sso = EXISTS (SELECT 1 FROM user_identities WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id;
    UPDATE memberships SET has_sso = 1 WHERE user_id = NEW.user_id;
END;

UPDATE memberships SET
    email = (SELECT email FROM users WHERE id = memberships.user_id),
    display_name = (SELECT display_name FROM users WHERE id = memberships.user_id),
    disabled_at = (SELECT disabled_at FROM users WHERE id = memberships.user_id),
    has_password = EXISTS (SELECT 1 FROM local_credentials WHERE user_id = memberships.user_id),
    has_sso = EXISTS (SELECT 1 FROM user_identities WHERE user_id = memberships.user_id);

-- The list's order and its prefix search, within the org (replacing the users' indexes of
-- 0020, which a member query no longer reads).
CREATE INDEX memberships_email ON memberships(org_id, email);
CREATE INDEX memberships_email_lower ON memberships(org_id, LOWER(email));
CREATE INDEX memberships_name_lower ON memberships(org_id, LOWER(display_name));
DROP INDEX users_email_lower;
DROP INDEX users_name_lower;
