//! Foxgate's domain: the permission model, the error vocabulary and the plain data the
//! console shares with the server; with feature `server`, the use-case services and the SQL store.

pub mod authz;
pub mod email;
pub mod error;
pub mod model;
pub mod secret;
pub mod slug;
pub mod text;
pub mod token;
pub mod use_cases;

#[cfg(feature = "server")]
pub mod dns;
#[cfg(feature = "server")]
pub mod http_signature;
#[cfg(feature = "server")]
pub mod jwt;
#[cfg(feature = "server")]
pub mod keys;
#[cfg(feature = "server")]
pub mod oidc;
#[cfg(feature = "server")]
pub mod seal;
#[cfg(feature = "server")]
pub mod service;
#[cfg(feature = "server")]
pub mod store;

pub use error::{Error, ErrorCode};
