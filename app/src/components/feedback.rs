//! What a console form says once it is sent, when JavaScript runs it: the failure or the
//! success, each taking the focus so a keyboard or screen-reader user lands on it.

use super::Alert;
use leptos::prelude::*;

/// The message of the last failed action, when JavaScript runs the forms.
#[component]
pub fn ActionError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! { <Said message error=true testid="action-error" /> }
}

/// A message that takes the focus when it appears, so a keyboard or screen-reader user
/// lands on what just happened.
#[component]
fn Said(message: Signal<Option<String>>, error: bool, testid: &'static str) -> impl IntoView {
    let shown = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(box_) = shown.get() {
            let _ = box_.focus();
        }
    });
    move || {
        message.get().map(|m| {
            view! {
                <div node_ref=shown tabindex="-1" class="focus:outline-none" data-testid=testid>
                    <Alert error>{m}</Alert>
                </div>
            }
        })
    }
}

/// The error message of a server action's last result, if it failed.
pub fn failure<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::UiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message().to_string())
    })
}

/// The confirmation sentence of a server action's last result, if it succeeded.
pub fn success<S>(
    action: ServerAction<S>,
    say: impl Fn(&S::Output) -> String + Send + Sync + 'static,
) -> Signal<Option<String>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::UiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).map(&say))
    })
}

/// The confirmation of the last successful action; it takes the focus like [`ActionError`].
#[component]
pub fn ActionDone(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! { <Said message error=false testid="action-done" /> }
}
