//! Applications on the wire: what the API and console show and accept, and the AuthZEN
//! evaluation requests and answers.

pub use crate::authz::application::ResourceType;
use serde::{Deserialize, Serialize};

/// An application of an org: the service it stands for and what it declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Application {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub resource_types: Vec<ResourceType>,
    /// Every permission it declares, `<slug>:<resource>:<action>`.
    pub permissions: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub resource_types: Vec<ResourceType>,
}

/// Changes to an application; `resource_types` replaces the whole declaration, and what it
/// no longer declares leaves every role and token that held it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationChanges {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub resource_types: Option<Vec<ResourceType>>,
}

/// What changing an application's declaration took from roles and tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ApplicationChanged {
    pub application: Option<Application>,
    /// The permissions no longer declared.
    pub removed_permissions: Vec<String>,
    /// The roles (ids) that lost some of them.
    pub roles_changed: Vec<String>,
    /// The personal tokens (ids) that lost some of them.
    pub tokens_changed: Vec<String>,
}

/// One page of an org's applications, by slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ApplicationPage {
    pub applications: Vec<Application>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
}
