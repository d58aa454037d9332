//! Refused authorizations in the activity log: one `authz.denied` event (outcome `denied`,
//! reason the permission) per actor, permission and team per minute, so probing shows up
//! without a flood of refusals becoming a flood of writes.

use super::Services;
use crate::authz::{Identity, Principal};
use crate::model::AuditAction;
use crate::store::audit::AuditEvent;

/// Who was refused which permission, and where.
#[derive(Debug, Clone)]
pub struct Denial {
    pub principal: Principal,
    /// The permission's word: `teams:update`, or an application's `deploy:deployments:approve`.
    pub permission: String,
    /// The team the permission was asked for; None at org scope.
    pub team_id: Option<String>,
}

/// Writes the refusal as its own transaction, unless the same one was written within the
/// minute. A failure to write is logged, never turned into the caller's error.
pub async fn record(s: &Services, d: Denial) {
    let actor = match &d.principal.identity {
        Identity::User { id, .. } | Identity::Token { id, .. } => id.as_str(),
        Identity::Anonymous => return,
    };
    let team = d.team_id.as_deref().unwrap_or_default();
    let key = format!("{actor}|{}|{team}", d.permission);
    if !s.limits.denials.due(&key) {
        return;
    }
    let mut event =
        AuditEvent::by(&d.principal, AuditAction::AuthzDenied).denied(d.permission.clone());
    if d.team_id.is_some() {
        event.team_id = d.team_id;
    }
    let written = async {
        let mut tx = s.db.begin().await?;
        event.insert(&mut tx).await?;
        tx.commit().await
    };
    if let Err(e) = written.await {
        tracing::warn!(error = %e, "a refused authorization was not recorded");
    }
}
