//! The permission model (docs/architecture.md): permissions, built-in roles, scopes and the
//! Principal. Pure and I/O-free, so the wasm console can use it to hide what the viewer
//! cannot do.

pub mod application;
mod permission;
mod principal;
mod role;

pub use application::{AppGrants, AppPermission, Restriction, Vocabulary};
pub use permission::{Action, Permission, PermissionSet, Resource};
pub use principal::{AuthKind, Grants, Identity, Principal, Reach, RequestContext, Scope};
pub use role::{builtin_roles_table, BuiltinRole};
