//! AuthZEN decisions: a service holding `decisions:read` asks whether a subject of its own
//! org may do an action on a resource. Subjects are found once and kept (see `recent`), so
//! a decision is a few hash lookups and a bit test. Anything unknown is a denial with a
//! reason, never an error. Every decision is counted for its caller, and a denial is kept
//! for the activity log when the org asks for that (see `decision_log`).

use super::bearer;
use super::Services;
use crate::authz::application::{Object, Verdict as AppVerdict};
use crate::authz::{Identity, Principal, Scope};
use crate::model::decisions::{
    Decision, Decisions, Evaluation, EvaluationItem, Evaluations, EvaluationsSemantic, Resource,
};
use crate::model::{AuditAction, EntityType};
use crate::store;
use crate::store::audit::AuditEvent;
use crate::use_cases::DECISIONS_READ;
use crate::Error;
use serde_json::Value;
use std::sync::Arc;

/// A batch holds at most this many evaluations.
pub const MAX_BATCH: usize = 1_000;
/// Subject and resource ids, types and action names longer than this are refused (400).
const MAX_NAME: usize = 512;

/// Someone a decision was asked about, with what they hold now.
#[derive(Debug)]
pub struct Subject {
    principal: Option<Principal>,
    /// What an owner property is compared with: the user's id and email, or the token's id.
    owner_keys: Vec<String>,
    /// Why there is no principal.
    missing: &'static str,
}

/// The org a caller asks in, once it is known to hold `decisions:read` there.
pub struct Asker {
    org_id: String,
    /// Who asks: the actor of what the decisions leave in the activity log.
    caller: Principal,
}

/// Checks the caller: a holder of `decisions:read` org-wide asks about its own org. The
/// common case is decided from the caller's Principal alone; a refusal goes through the
/// use case table, so it is answered and recorded like any other.
pub async fn asker(s: &Services, caller: Principal) -> Result<Asker, Error> {
    let org_id = may_ask(s, &caller).await?;
    Ok(Asker { org_id, caller })
}

/// The org `caller` may ask about, or why it may not.
pub async fn may_ask(s: &Services, caller: &Principal) -> Result<String, Error> {
    let org_id = caller.org_id.clone().ok_or(Error::Unauthorized)?;
    if !caller.can(DECISIONS_READ.permission, &Scope::Org) {
        DECISIONS_READ.read(s, caller, &org_id, None).await?;
        return Err(Error::Forbidden);
    }
    Ok(org_id)
}

fn bounded(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() || value.len() > MAX_NAME {
        return Err(Error::invalid(
            field,
            format!("must be 1 to {MAX_NAME} characters"),
        ));
    }
    Ok(())
}

/// Checks the shape the spec requires (non-empty type, id and name), as a 400.
fn validate(e: &Evaluation) -> Result<(), Error> {
    bounded("subject.type", &e.subject.kind)?;
    bounded("subject.id", &e.subject.id)?;
    bounded("action.name", &e.action.name)?;
    bounded("resource.type", &e.resource.kind)?;
    bounded("resource.id", &e.resource.id)
}

/// One evaluation.
pub async fn evaluate(s: &Services, asker: &Asker, e: &Evaluation) -> Result<Decision, Error> {
    validate(e)?;
    let decision = decide(s, asker, e).await?;
    let permitted = u64::from(decision.decision);
    s.decision_log
        .count(&asker.org_id, &asker.caller, permitted, 1 - permitted);
    Ok(decision)
}

/// A batch: each item takes what it leaves out from the top level, runs in order, and
/// stops after the first deny or permit when the semantic says so. Without items it is one
/// evaluation of the top level (answered as such, as the spec says).
pub async fn evaluate_all(
    s: &Services,
    asker: &Asker,
    batch: Evaluations,
) -> Result<Result<Decisions, Decision>, Error> {
    let items = batch.evaluations.clone().unwrap_or_default();
    if items.is_empty() {
        let single = complete(&batch, &EvaluationItem::default()).ok_or_else(|| {
            Error::invalid(
                "evaluations",
                "give evaluations, or a subject, action and resource",
            )
        })?;
        return Ok(Err(evaluate(s, asker, &single).await?));
    }
    if items.len() > MAX_BATCH {
        return Err(Error::invalid(
            "evaluations",
            format!("at most {MAX_BATCH} evaluations per request"),
        ));
    }
    let semantic = batch
        .options
        .as_ref()
        .map(|o| o.evaluations_semantic)
        .unwrap_or_default();
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let decision = match complete(&batch, item) {
            None => Decision::error(400, "subject, action and resource are required"),
            Some(e) => match validate(&e) {
                Err(err) => Decision::error(400, &err.to_string()),
                Ok(()) => decide(s, asker, &e).await?,
            },
        };
        let stop = match semantic {
            EvaluationsSemantic::ExecuteAll => false,
            EvaluationsSemantic::DenyOnFirstDeny => !decision.decision,
            EvaluationsSemantic::PermitOnFirstPermit => decision.decision,
        };
        out.push(decision);
        if stop {
            break;
        }
    }
    let permitted = out.iter().filter(|d| d.decision).count() as u64;
    s.decision_log.count(
        &asker.org_id,
        &asker.caller,
        permitted,
        out.len() as u64 - permitted,
    );
    Ok(Ok(Decisions { evaluations: out }))
}

/// An item with the batch's defaults filled in; None when something required is missing.
fn complete(batch: &Evaluations, item: &EvaluationItem) -> Option<Evaluation> {
    Some(Evaluation {
        subject: item.subject.clone().or_else(|| batch.subject.clone())?,
        action: item.action.clone().or_else(|| batch.action.clone())?,
        resource: item.resource.clone().or_else(|| batch.resource.clone())?,
        context: item.context.clone().or_else(|| batch.context.clone()),
    })
}

fn property<'a>(r: &'a Resource, names: &[&str]) -> Option<&'a str> {
    let properties = r.properties.as_ref()?;
    names
        .iter()
        .find_map(|n| properties.get(*n))
        .and_then(Value::as_str)
}

async fn decide(s: &Services, asker: &Asker, e: &Evaluation) -> Result<Decision, Error> {
    let subject = subject(s, &asker.org_id, &e.subject.kind, &e.subject.id).await?;
    let reason = match verdict(s, asker, e, &subject).await? {
        Verdict::Allowed => return Ok(Decision::permit()),
        Verdict::Denied(reason) => reason,
    };
    if logs_denials(s, &asker.org_id).await? {
        s.decision_log.deny(&asker.org_id, &asker.caller, || {
            denial_event(asker, e, &subject, reason)
        });
    }
    Ok(Decision::deny(reason))
}

/// A decision, before it is counted or logged.
enum Verdict {
    Allowed,
    Denied(&'static str),
}

async fn verdict(
    s: &Services,
    asker: &Asker,
    e: &Evaluation,
    subject: &Subject,
) -> Result<Verdict, Error> {
    let Some(principal) = &subject.principal else {
        return Ok(Verdict::Denied(subject.missing));
    };
    let team = match property(&e.resource, &["team", "team_id"]) {
        Some(named) => team_id(s, &asker.org_id, named).await?,
        None => principal.team_id.clone(),
    };
    let owned = property(&e.resource, &["ownerID", "owner_id", "owner"]).is_some_and(|owner| {
        subject
            .owner_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(owner))
    });
    let object = Object {
        id: Some(e.resource.id.as_str()),
        owned,
    };
    let verdict = principal
        .apps
        .decide(&e.resource.kind, &e.action.name, team.as_deref(), &object);
    Ok(match verdict {
        AppVerdict::Allowed => Verdict::Allowed,
        other => Verdict::Denied(other.reason()),
    })
}

/// Whether the org asked for each denial to be logged (read once per change).
async fn logs_denials(s: &Services, org_id: &str) -> Result<bool, Error> {
    let on = s
        .denial_logging
        .get_or_load(org_id, s.db.generation(), || async {
            let mut conn = s.db.pool().acquire().await?;
            let org = store::orgs::get(&mut conn, org_id).await?;
            Ok::<_, Error>(org.is_some_and(|o| o.log_denied_decisions))
        })
        .await?;
    Ok(*on)
}

/// A denied decision as an activity-log event: the caller as actor, the subject as entity
/// (found by the entity filter), what was asked in the snapshot.
fn denial_event(
    asker: &Asker,
    e: &Evaluation,
    subject: &Subject,
    reason: &'static str,
) -> AuditEvent {
    let event = AuditEvent::by(&asker.caller, AuditAction::DecisionDenied)
        .org(&asker.org_id)
        .denied(reason)
        .snapshot(serde_json::json!({
            "subject": {"type": e.subject.kind, "id": e.subject.id},
            "action": {"name": e.action.name},
            "resource": {"type": e.resource.kind, "id": e.resource.id},
        }));
    let identity = subject.principal.as_ref().map(|p| &p.identity);
    match (e.subject.kind.as_str(), identity) {
        ("user", Some(Identity::User { id, email, .. })) => {
            event.entity(EntityType::User, id, email)
        }
        ("token", Some(Identity::User { email, .. })) => {
            event.entity(EntityType::Token, &e.subject.id, email)
        }
        ("token", Some(Identity::Token { name, .. })) => {
            event.entity(EntityType::Token, &e.subject.id, name)
        }
        ("user", _) => event.entity(EntityType::User, &e.subject.id, "unknown"),
        ("token", _) => event.entity(EntityType::Token, &e.subject.id, "unknown"),
        _ => event,
    }
}

/// The team a decision names (slug or id), as an id; an unknown team is kept as given,
/// where only org-wide grants reach. Each name is looked up once (through the cache), never
/// the org's whole list of teams.
async fn team_id(s: &Services, org_id: &str, named: &str) -> Result<Option<String>, Error> {
    let key = format!("{org_id}\u{1f}{named}");
    let found = s
        .team_ids
        .get_or_load(&key, s.db.generation(), || async {
            let mut conn = s.db.pool().acquire().await?;
            let team = store::teams::find(&mut conn, org_id, named).await?;
            Ok::<_, Error>(team.map(|t| t.id))
        })
        .await?;
    Ok(Some(
        found
            .as_ref()
            .clone()
            .unwrap_or_else(|| format!("unknown:{named}")),
    ))
}

/// A subject of the org, through the cache.
async fn subject(s: &Services, org_id: &str, kind: &str, id: &str) -> Result<Arc<Subject>, Error> {
    let key = format!("{org_id}\u{1f}{kind}\u{1f}{id}");
    s.subjects
        .get_or_load(&key, s.db.generation(), || async {
            Ok(match kind {
                "user" => user(s, org_id, id).await?,
                "token" => token(s, org_id, id).await?,
                _ => absent("unknown subject type: use user or token"),
            })
        })
        .await
}

fn absent(why: &'static str) -> Subject {
    Subject {
        principal: None,
        owner_keys: Vec::new(),
        missing: why,
    }
}

fn present(principal: Principal, owner_keys: Vec<String>) -> Subject {
    Subject {
        principal: Some(principal),
        owner_keys,
        missing: "",
    }
}

async fn user(s: &Services, org_id: &str, name: &str) -> Result<Subject, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let ids = store::users::members_named(&mut conn, org_id, name).await?;
    let [user_id] = ids.as_slice() else {
        return Ok(absent(if ids.is_empty() {
            "unknown subject: no member of this organization by that id, email or IdP subject"
        } else {
            "ambiguous subject: name the user by id"
        }));
    };
    let context = Default::default();
    Ok(
        match super::principal::of_member(s, &mut conn, user_id, org_id, context).await? {
            None => absent("unknown subject: the user is disabled or no longer a member"),
            Some(p) => {
                let keys = match &p.identity {
                    Identity::User { id, email, .. } => vec![id.clone(), email.clone()],
                    _ => Vec::new(),
                };
                present(p, keys)
            }
        },
    )
}

async fn token(s: &Services, org_id: &str, id: &str) -> Result<Subject, Error> {
    const UNKNOWN: &str = "unknown subject: no live token of this organization by that id";
    let Some(verified) = bearer::find(s, id).await? else {
        return Ok(absent(UNKNOWN));
    };
    let row = &verified.row;
    let now = store::now_ms();
    if row.org_id != org_id
        || row.revoked_at.is_some()
        || row.expires_at.is_some_and(|at| at <= now)
    {
        return Ok(absent(UNKNOWN));
    }
    Ok(
        match bearer::acting_as(s, &verified, &Default::default()).await? {
            None => absent(UNKNOWN),
            Some(p) => {
                let mut keys = vec![row.id.clone()];
                if let Identity::User { id, email, .. } = &p.identity {
                    keys.extend([id.clone(), email.clone()]);
                }
                present(p, keys)
            }
        },
    )
}
