//! The team field of the console's forms: a text field taking a team's slug, with
//! suggestions as one types (a `<datalist>` the teams search fills), never a `<select>` of
//! every team. Without JavaScript it is a plain field the server checks. An island: its
//! suggestions are the only part of a form that runs in the browser.

use super::paging::{Pause, SEARCH_PAUSE_MS};
use super::INPUT;
use crate::api::teams::find_teams;
use leptos::prelude::*;

#[island]
pub fn TeamPicker(
    /// The form field's name.
    #[prop(into)]
    name: String,
    /// Unique on the page: the field's id (its suggestions list adds `-suggestions`).
    #[prop(into)]
    id: String,
    #[prop(optional, into)] value: Option<String>,
    /// The hint in the empty field ("team slug" when not given).
    #[prop(optional, into)]
    placeholder: Option<String>,
    #[prop(optional)] required: Option<bool>,
    #[prop(optional, into)] aria_label: Option<String>,
) -> impl IntoView {
    let search = Action::new(|typed: &String| find_teams(typed.clone()));
    let pause = Pause::new();
    let list_id = format!("{id}-suggestions");
    let placeholder = placeholder.unwrap_or_else(|| "team slug".to_string());
    let suggestions = move || {
        search
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|t| view! { <option value=t.slug>{t.name}</option> })
            .collect_view()
    };
    view! {
        <input
            name=name
            id=id
            type="text"
            list=list_id.clone()
            value=value
            required=required.unwrap_or(false)
            autocomplete="off"
            placeholder=placeholder
            aria-label=aria_label
            class=INPUT
            data-testid="team-picker"
            on:input=move |ev| {
                let typed = event_target_value(&ev);
                if !typed.trim().is_empty() {
                    pause.then(SEARCH_PAUSE_MS, move || {
                        search.dispatch(typed);
                    });
                }
            }
        />
        <datalist id=list_id>{suggestions}</datalist>
    }
}
