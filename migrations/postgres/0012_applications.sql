-- Applications (issue 14): the org's other services, each declaring resource types and
-- their actions. `resource_types` is the declaration as JSON, `[{"name": "deployments",
-- "actions": ["read", "approve"]}, …]`, read whole when an org's vocabulary is compiled.
-- Roles hold `<slug>:<resource>:<action>` words in `roles.permissions`, so the slug never
-- changes once declared.
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    resource_types TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX applications_org_slug ON applications(org_id, slug);
