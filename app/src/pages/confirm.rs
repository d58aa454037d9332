//! `/confirm?what=<kind>&id=<id>`: the question before something is destroyed — the object
//! named, every consequence listed, one button that does it and one way back. A plain form
//! to the action's server function, so it is the same page with and without JavaScript;
//! done or refused, the browser comes back to the list the object was on.

use super::query_param;
use crate::api::consequences::consequences_of;
use crate::api::members::{RemoveMember, RevokeGrant};
use crate::api::roles::DeleteRole;
use crate::api::scripts::RevokeScript;
use crate::api::sessions::EndSession;
use crate::api::sso::DeleteProvider;
use crate::api::teams::DeleteTeam;
use crate::api::tokens::RevokeToken;
use crate::components::{ConsoleFrame, PageHeading, Panel, QUIET};
use crate::error::message_for;
use foxgate_core::model::{Doomed, PageError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The link a row shows in place of a destructive button: to this page.
pub fn confirm_href(what: Doomed, id: &str) -> String {
    format!("/confirm?what={what}&id={id}")
}

/// The server function that does it, and the name of its one argument.
fn action_of(what: Doomed) -> (&'static str, &'static str) {
    match what {
        Doomed::Team => (DeleteTeam::PATH, "team"),
        Doomed::Token => (RevokeToken::PATH, "token"),
        Doomed::Member => (RemoveMember::PATH, "user_id"),
        Doomed::Grant => (RevokeGrant::PATH, "grant"),
        Doomed::Role => (DeleteRole::PATH, "role"),
        Doomed::Provider => (DeleteProvider::PATH, "provider"),
        Doomed::Session => (EndSession::PATH, "session"),
        Doomed::Script => (RevokeScript::PATH, "script"),
    }
}

#[component]
pub fn Confirm() -> impl IntoView {
    let what = move || query_param("what")().and_then(|w| Doomed::parse(&w));
    let id = query_param("id");
    let active = what().map_or("/", Doomed::page);
    let found = Resource::new(
        move || (what(), id()),
        |(what, id)| async move {
            match (what, id) {
                (Some(what), Some(id)) => consequences_of(what, id).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    view! {
        <Title text="Are you sure?" />
        <ConsoleFrame active=active>
            <PageHeading title="Are you sure?" subtitle="Read what happens, then confirm, or go back." />
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    found.get().map(|result| match result {
                        Ok(Some(c)) => {
                            let (path, field) = action_of(c.what);
                            let back = c.what.page();
                            view! {
                                <Panel title="Confirm">
                                    <h2 class="text-lg font-semibold" data-testid="confirm-question">{c.question}</h2>
                                    <ul class="my-4 list-disc space-y-1 pl-5 text-sm" data-testid="confirm-effects">
                                        {c.effects.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                                    </ul>
                                    <form method="post" action=path class="flex flex-wrap items-center gap-3">
                                        <input type="hidden" name=field value=c.id />
                                        <button type="submit" class="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800">{c.confirm}</button>
                                        <a href=back class=QUIET autofocus>"Cancel"</a>
                                    </form>
                                </Panel>
                            }
                            .into_any()
                        }
                        Ok(None) => view! { <p class="text-sm">"Nothing to confirm: this link names no object."</p> }.into_any(),
                        Err(e) => view! {
                            <p class="text-sm text-red-700 dark:text-red-400">{message_for(PageError::from(e.code()).as_str(), None)}</p>
                        }
                        .into_any(),
                    })
                }}
            </Suspense>
        </ConsoleFrame>
    }
}
