//! What a console form says once it is sent, when JavaScript runs it: the failure or the
//! success, each taking the focus so a keyboard or screen-reader user lands on it. A failure
//! that names its input also marks that input in the form that was sent (`field_marks`).

use super::Alert;
use crate::error::UiError;
use leptos::prelude::*;

/// A failed action as the console says it: a sentence, and the input at fault if one is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub field: Option<String>,
}

impl From<&UiError> for Failure {
    /// `slug: must be …` reads as "Must be …" under the slug field: the field is said by
    /// where the sentence stands, not by its code name.
    fn from(e: &UiError) -> Self {
        let message = e.message();
        let field = e.0.error.field.clone().or_else(|| {
            // Conflicts name their field the same way (`name: already in use`).
            let (word, _) = message.split_once(": ")?;
            word.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_')
                .then(|| word.to_string())
        });
        let reason = match &field {
            Some(f) => message.strip_prefix(&format!("{f}: ")).unwrap_or(message),
            None => message,
        };
        let mut chars = reason.chars();
        let message = chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        Failure { message, field }
    }
}

/// The message of the last failed action, when JavaScript runs the forms. When it names an
/// input, that input is outlined, described by the sentence under it, and focused.
#[component]
pub fn ActionError(#[prop(into)] message: Signal<Option<Failure>>) -> impl IntoView {
    let field = Signal::derive(move || {
        message
            .get()
            .and_then(|f| f.field.map(|field| (field, f.message)))
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if message.with(Option::is_some) {
            super::field_marks::forget_passwords();
        }
        if let Some((field, sentence)) = field.get() {
            super::field_marks::mark(&field, &sentence);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = field;
    let sentence = Signal::derive(move || message.get().map(|f| f.message));
    let marked = Signal::derive(move || field.with(Option::is_some));
    view! { <Said message=sentence error=true testid="action-error" focus=Signal::derive(move || !marked.get()) /> }
}

/// A message that takes the focus when it appears (unless `focus` says the focus goes
/// elsewhere), so a keyboard or screen-reader user lands on what just happened.
#[component]
fn Said(
    message: Signal<Option<String>>,
    error: bool,
    testid: &'static str,
    #[prop(into, default = Signal::stored(true))] focus: Signal<bool>,
) -> impl IntoView {
    let shown = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(box_) = shown.get() {
            if focus.get_untracked() {
                let _ = box_.focus();
            }
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

/// How a server action's last result failed, if it did.
pub fn failure<S>(action: ServerAction<S>) -> Signal<Option<Failure>>
where
    S: leptos::server_fn::ServerFn<Error = UiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err()).map(Failure::from))
    })
}

/// How many times the action succeeded: the source of the lists it changes, so a failed
/// action does not redraw them (nor the forms inside them, which keep what was typed).
pub fn successes<S>(action: ServerAction<S>) -> ReadSignal<u32>
where
    S: leptos::server_fn::ServerFn<Error = UiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let count = RwSignal::new(0);
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            count.update(|n| *n += 1);
        }
    });
    count.read_only()
}

/// The confirmation sentence of a server action's last result, if it succeeded.
pub fn success<S>(
    action: ServerAction<S>,
    say: impl Fn(&S::Output) -> String + Send + Sync + 'static,
) -> Signal<Option<String>>
where
    S: leptos::server_fn::ServerFn<Error = UiError> + Clone + Send + Sync + 'static,
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

/// Empties `form` each time `action` succeeds, ready for the next entry (a failure leaves
/// what was typed in place, to be corrected).
pub fn clear_on_success<S>(action: ServerAction<S>, form: NodeRef<leptos::html::Form>)
where
    S: leptos::server_fn::ServerFn<Error = UiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
}
