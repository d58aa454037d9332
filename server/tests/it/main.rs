//! Black-box HTTP tests of the real router on SQLite and PostgreSQL (one binary; docs/architecture.md).

mod harness;
mod idp;
mod introspection;
mod process;

mod applications;
mod assets;
mod atomic;
mod auth;
mod confirm;
mod decision_log;
mod denials;
mod domains;
mod doors;
mod events;
mod fuzz;
mod generated_client;
mod hardening;
mod health;
mod live;
mod many_servers;
mod members;
mod openapi;
mod personal_tokens;
mod proxy;
mod retention;
mod roles;
mod scripts;
mod security;
mod sessions;
mod setup;
mod signed_requests;
mod sso;
mod teams;
mod token_lifecycle;
mod tokens;
