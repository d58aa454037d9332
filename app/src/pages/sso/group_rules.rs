//! An identity provider's group rules as rows of fields: the IdP group (typed, as the IdP
//! spells it) → a role of the org (by name) → a team (by name) or the whole organization.
//! Without JavaScript the form shows the rules and two blank rows; in the browser (an
//! island), rows are added and removed in place.

use crate::components::{TeamPicker, INPUT, QUIET};
use foxgate_core::model::{GroupRule, Role};
use leptos::prelude::*;

/// Blank rows offered below the rules, for new ones without JavaScript.
const BLANK_ROWS: usize = 2;

/// The roles a rule may name (loaded with the page, so it travels to the browser); teams
/// are typed, with suggestions.
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Choices {
    pub roles: Vec<Role>,
}

#[island]
pub fn GroupRules(
    rules: Vec<GroupRule>,
    choices: Choices,
    /// Tells this provider's rule fields from another's on the same page.
    form_id: String,
) -> impl IntoView {
    let rows = RwSignal::new(
        rules
            .into_iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, BLANK_ROWS))
            .enumerate()
            .collect::<Vec<(usize, Option<GroupRule>)>>(),
    );
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let add = move |_| {
        rows.update(|r| {
            let key = r.iter().map(|(k, _)| k + 1).max().unwrap_or(0);
            r.push((key, None));
        })
    };
    let choices = StoredValue::new(choices);
    view! {
        <fieldset class="space-y-2" data-testid="group-rules">
            <legend class="text-sm">"Group rules: members of an IdP group get a role, org-wide or in one team"</legend>
            <For
                each=move || rows.get()
                key=|(key, _)| *key
                children=move |(key, rule)| {
                    let remove = move |_| rows.update(|r| r.retain(|(k, _)| *k != key));
                    let number = move || rows.with(|r| r.iter().position(|(k, _)| *k == key).map_or(0, |i| i + 1));
                    view! {
                        <Row rule choices=choices.get_value() number picker_id=format!("rule-team-{form_id}-{key}") />
                        <Show when=move || hydrated.get()>
                            <button type="button" class=QUIET on:click=remove aria-label=move || format!("Remove rule {}", number())>
                                "Remove"
                            </button>
                        </Show>
                    }
                }
            />
            <Show when=move || hydrated.get()>
                <button type="button" class=QUIET on:click=add>"Add a rule"</button>
            </Show>
        </fieldset>
    }
}

/// One rule's three fields. A role or team the lists no longer hold stays selected under
/// its stored name, so saving the form never drops a rule silently.
#[component]
fn Row(
    rule: Option<GroupRule>,
    choices: Choices,
    number: impl Fn() -> usize + Copy + Send + Sync + 'static,
    picker_id: String,
) -> impl IntoView {
    let group = rule.as_ref().map(|r| r.group.clone()).unwrap_or_default();
    let role = rule.as_ref().map(|r| r.role.clone()).unwrap_or_default();
    let team = rule.and_then(|r| r.team).unwrap_or_default();
    let known_role = role.is_empty() || choices.roles.iter().any(|r| r.id == role);
    let role_options = choices
        .roles
        .into_iter()
        .map(|r| {
            let selected = r.id == role;
            view! { <option value=r.id selected=selected>{r.name}</option> }
        })
        .collect_view();
    let select = format!("mt-1 block w-full {INPUT}");
    view! {
        <div class="grid gap-2 sm:grid-cols-3" data-testid="group-rule">
            <label class="block text-xs">
                "IdP group"
                <input name="rule_group[]" value=group class=select.clone() aria-label=move || format!("IdP group of rule {}", number()) />
            </label>
            <label class="block text-xs">
                "gets the role"
                <select name="rule_role[]" class=select.clone() aria-label=move || format!("Role of rule {}", number())>
                    <option value="" selected=role.is_empty()>"Pick a role"</option>
                    {(!known_role).then(|| view! { <option value=role.clone() selected=true>{format!("{role} (not found)")}</option> })}
                    {role_options}
                </select>
            </label>
            <label class="block text-xs">
                "in"
                <TeamPicker name="rule_team[]" id=picker_id value=team placeholder="the whole organization" aria_label=format!("Team of rule {}", number()) />
            </label>
        </div>
    }
}
