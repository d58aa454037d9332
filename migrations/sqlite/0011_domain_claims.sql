-- Email-domain routing (issue 12 §3): an org claims a domain, proves it with a DNS TXT
-- record, and only then do sign-ins with that domain's emails go to its identity providers.
-- Any number of orgs may hold an unverified claim (a squatter cannot block the owner); at
-- most one holds a verified one.
CREATE TABLE domain_claims (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    verified_at BIGINT
);
CREATE UNIQUE INDEX domain_claims_org_domain ON domain_claims(org_id, domain);
CREATE UNIQUE INDEX domain_claims_verified ON domain_claims(domain) WHERE verified_at IS NOT NULL;
