//! AuthZEN Authorization API 1.0 on the wire: evaluation requests (single and batch, with
//! the batch's defaults and semantics) and decisions.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Who asks to act: `user` (an id, an email, or the IdP subject they signed in with) or
/// `token` (a token's public id).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Subject {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Action {
    pub name: String,
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
}

/// What is acted on: `type` is `<app>:<resource>` (or a resource type one application alone
/// declares), `properties` may name the `team` and the owner (`ownerID`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Resource {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
}

/// One evaluation (`POST /access/v1/evaluation`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub subject: Subject,
    pub action: Action,
    pub resource: Resource,
    #[serde(default)]
    pub context: Option<Value>,
}

/// One item of a batch: whatever it leaves out comes from the request's top level.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EvaluationItem {
    #[serde(default)]
    pub subject: Option<Subject>,
    #[serde(default)]
    pub action: Option<Action>,
    #[serde(default)]
    pub resource: Option<Resource>,
    #[serde(default)]
    pub context: Option<Value>,
}

/// How a batch runs: all of it, or until the first deny or permit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvaluationsSemantic {
    #[default]
    ExecuteAll,
    DenyOnFirstDeny,
    PermitOnFirstPermit,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EvaluationsOptions {
    #[serde(default)]
    pub evaluations_semantic: EvaluationsSemantic,
}

/// A batch (`POST /access/v1/evaluations`): top-level defaults, the items, the options.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Evaluations {
    #[serde(default)]
    pub subject: Option<Subject>,
    #[serde(default)]
    pub action: Option<Action>,
    #[serde(default)]
    pub resource: Option<Resource>,
    #[serde(default)]
    pub context: Option<Value>,
    #[serde(default)]
    pub evaluations: Option<Vec<EvaluationItem>>,
    #[serde(default)]
    pub options: Option<EvaluationsOptions>,
}

/// A decision, with the reason when it is a denial.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Decision {
    pub decision: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
}

impl Decision {
    pub fn permit() -> Self {
        Self {
            decision: true,
            context: None,
        }
    }

    pub fn deny(reason: &str) -> Self {
        Self {
            decision: false,
            context: Some(serde_json::json!({ "reason": reason })),
        }
    }

    /// An item of a batch that could not be evaluated: a denial naming the error (the
    /// spec's per-item error shape).
    pub fn error(code: u16, reason: &str) -> Self {
        Self {
            decision: false,
            context: Some(serde_json::json!({ "code": code.to_string(), "reason": reason })),
        }
    }
}

/// A batch's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Decisions {
    pub evaluations: Vec<Decision>,
}
