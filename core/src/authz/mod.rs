//! The permission model (DESIGN §4): permissions, built-in roles, scopes and the Principal.
//! Pure and I/O-free, so the wasm console can use it to hide what the viewer cannot do.

#[cfg(feature = "server")]
pub mod denial;
mod permission;
mod principal;
mod role;

pub use permission::{Action, Permission, PermissionSet, Resource};
pub use principal::{AuthKind, Grants, Identity, Principal, RequestContext, Scope};
pub use role::{builtin_roles_table, BuiltinRole};
