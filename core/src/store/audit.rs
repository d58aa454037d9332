//! The audit log table: append-only rows, written in the transaction of the change they record.

use crate::authz::{Identity, Principal, RequestContext};
use sqlx::AnyConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Denied => "denied",
        }
    }
}

/// One event to append. Built with [`AuditEvent::by`] or [`AuditEvent::anonymous`], then
/// narrowed with the `entity`/`org`/… setters. Never put a secret in any field.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub action: &'static str,
    pub actor_kind: &'static str,
    pub actor_id: Option<String>,
    pub actor_label: Option<String>,
    pub org_id: Option<String>,
    pub team_id: Option<String>,
    pub entity_type: Option<&'static str>,
    pub entity_id: Option<String>,
    pub entity_label: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<&'static str>,
    pub context: RequestContext,
    pub snapshot: Option<serde_json::Value>,
}

impl AuditEvent {
    /// An event whose actor is the principal.
    pub fn by(principal: &Principal, action: &'static str) -> Self {
        let (kind, id, label) = match &principal.identity {
            Identity::User { id, email, .. } => match &principal.via_token {
                Some(token) => (
                    "personal_token",
                    Some(id.clone()),
                    Some(format!("{email} (token {token})")),
                ),
                None => ("user", Some(id.clone()), Some(email.clone())),
            },
            Identity::Token { id, name } => ("token", Some(id.clone()), Some(name.clone())),
            Identity::Anonymous => ("anonymous", None, None),
        };
        Self {
            actor_kind: kind,
            actor_id: id,
            actor_label: label,
            org_id: principal.org_id.clone(),
            team_id: principal.team_id.clone(),
            ..Self::anonymous(action, principal.context.clone())
        }
    }

    /// An event before anyone is known (failed sign-in, setup).
    pub fn anonymous(action: &'static str, context: RequestContext) -> Self {
        Self {
            action,
            actor_kind: "anonymous",
            actor_id: None,
            actor_label: None,
            org_id: None,
            team_id: None,
            entity_type: None,
            entity_id: None,
            entity_label: None,
            outcome: Outcome::Success,
            reason: None,
            context,
            snapshot: None,
        }
    }

    pub fn actor_user(mut self, id: &str, email: &str) -> Self {
        self.actor_kind = "user";
        self.actor_id = Some(id.to_string());
        self.actor_label = Some(email.to_string());
        self
    }

    /// Changes made by an identity provider on the user's behalf (provisioning, group sync).
    pub fn actor_provider(mut self, id: &str, name: &str) -> Self {
        self.actor_kind = "sso_provider";
        self.actor_id = Some(id.to_string());
        self.actor_label = Some(name.to_string());
        self
    }

    pub fn entity(mut self, kind: &'static str, id: &str, label: &str) -> Self {
        self.entity_type = Some(kind);
        self.entity_id = Some(id.to_string());
        self.entity_label = Some(label.to_string());
        self
    }

    pub fn org(mut self, org_id: &str) -> Self {
        self.org_id = Some(org_id.to_string());
        self
    }

    pub fn team(mut self, team_id: &str) -> Self {
        self.team_id = Some(team_id.to_string());
        self
    }

    /// The entity's last state, recorded on delete. Never include a secret.
    pub fn snapshot(mut self, value: serde_json::Value) -> Self {
        self.snapshot = Some(value);
        self
    }

    pub fn failed(mut self, reason: &'static str) -> Self {
        self.outcome = Outcome::Failure;
        self.reason = Some(reason);
        self
    }

    pub async fn insert(&self, conn: &mut AnyConnection) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO audit_events (id, created_at, org_id, team_id, actor_kind, actor_id, actor_label, action, \
             entity_type, entity_id, entity_label, outcome, reason, ip, origin, request_id, snapshot) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(super::new_id())
        .bind(super::now_ms())
        .bind(&self.org_id)
        .bind(&self.team_id)
        .bind(self.actor_kind)
        .bind(&self.actor_id)
        .bind(&self.actor_label)
        .bind(self.action)
        .bind(self.entity_type)
        .bind(&self.entity_id)
        .bind(&self.entity_label)
        .bind(self.outcome.as_str())
        .bind(self.reason)
        .bind(&self.context.ip)
        .bind(&self.context.origin)
        .bind(&self.context.request_id)
        .bind(self.snapshot.as_ref().map(|s| s.to_string()))
        .execute(conn)
        .await?;
        Ok(())
    }
}
