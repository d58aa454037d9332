//! Refused authorizations of the request being handled. `Principal::require` notes a
//! refusal where it happens; the door the request came through runs the handler inside
//! [`watch`] and afterwards records what was noted as an `authz.denied` event (in its own
//! transaction: the refused change's, if any, never commits).

use super::{Permission, Principal, Scope};
use std::cell::RefCell;
use std::future::Future;

/// Who was refused which permission, and where.
#[derive(Debug, Clone)]
pub struct Denial {
    pub principal: Principal,
    pub permission: Permission,
    /// The team the permission was asked for; None at org scope.
    pub team_id: Option<String>,
}

tokio::task_local! {
    static NOTED: RefCell<Option<Denial>>;
}

/// Runs `handler`, returning its output and the first refusal it noted.
pub async fn watch<F: Future>(handler: F) -> (F::Output, Option<Denial>) {
    NOTED
        .scope(RefCell::new(None), async {
            let output = handler.await;
            let noted = NOTED.with(|n| n.borrow_mut().take());
            (output, noted)
        })
        .await
}

/// Notes a refusal, if a door is watching (work outside a request is not).
pub(crate) fn note(principal: &Principal, permission: Permission, scope: &Scope) {
    let _ = NOTED.try_with(|noted| {
        let mut noted = noted.borrow_mut();
        if noted.is_none() {
            *noted = Some(Denial {
                principal: principal.clone(),
                permission,
                team_id: match scope {
                    Scope::Org => None,
                    Scope::Team(id) => Some(id.clone()),
                },
            });
        }
    });
}
