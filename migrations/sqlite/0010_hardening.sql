-- Hardening (issue 12).

-- Entra ID accounts are keyed by the Microsoft cloud as well as the tenant: `entra:<tid>`
-- becomes `entra:<cloud>:<tid>` where the provider that created it is a Microsoft one. An
-- identity an `entra` provider elsewhere created keeps its old key, which no sign-in asks
-- for any more: such a provider could assert any tenant's users.
UPDATE user_identities
SET issuer_key = 'entra:public:' || substr(issuer_key, 7)
WHERE issuer_key LIKE 'entra:%' AND issuer_key NOT LIKE 'entra:%:%'
  AND idp_id IN (SELECT id FROM identity_providers
                 WHERE issuer LIKE 'https://login.microsoftonline.com/%'
                    OR issuer LIKE 'https://sts.windows.net/%'
                    OR issuer LIKE 'https://login.windows.net/%');
UPDATE user_identities
SET issuer_key = 'entra:usgov:' || substr(issuer_key, 7)
WHERE issuer_key LIKE 'entra:%' AND issuer_key NOT LIKE 'entra:%:%'
  AND idp_id IN (SELECT id FROM identity_providers
                 WHERE issuer LIKE 'https://login.microsoftonline.us/%');
UPDATE user_identities
SET issuer_key = 'entra:china:' || substr(issuer_key, 7)
WHERE issuer_key LIKE 'entra:%' AND issuer_key NOT LIKE 'entra:%:%'
  AND idp_id IN (SELECT id FROM identity_providers
                 WHERE issuer LIKE 'https://login.partner.microsoftonline.cn/%'
                    OR issuer LIKE 'https://login.chinacloudapi.cn/%');

-- Each chain head carries an HMAC under a key derived from the server key, so rewinding
-- the head over deleted newest events is caught. Heads from before are signed at start-up.
ALTER TABLE audit_chain ADD COLUMN sig TEXT;

-- Lowering an org's retention waits 7 days: the new value and when it takes effect.
ALTER TABLE orgs ADD COLUMN audit_retention_pending_days BIGINT;
ALTER TABLE orgs ADD COLUMN audit_retention_pending_at BIGINT;
