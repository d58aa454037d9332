//! `/setup`: first-run setup of the first organization and its owner, guarded by the
//! one-time code the server prints to its log. Gone once Foxgate is set up.

use super::query_param;
use crate::components::{Alert, AuthCard, Field, SubmitButton};
use crate::error::message_for;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Setup() -> impl IntoView {
    let error = query_param("error");
    let field = query_param("field");
    view! {
        <Title text="Set up Foxgate" />
        <AuthCard
            title="Set up Foxgate"
            subtitle="Create the first organization and its owner, a local account for emergencies."
        >
            {move || error().map(|code| view! { <Alert>{message_for(&code, field().as_deref())}</Alert> })}
            <form method="post" action="/setup" class="space-y-4">
                <Field
                    label="Setup code"
                    name="setup_code"
                    autocomplete="one-time-code"
                    hint="Printed in the server log when Foxgate starts."
                />
                <Field label="Organization name" name="org_name" autocomplete="organization" />
                <Field
                    label="Organization slug"
                    name="org_slug"
                    hint="Used in URLs: lowercase letters, digits and '-'."
                />
                <Field label="Your name" name="display_name" autocomplete="name" required=false />
                <Field label="Your email" name="email" kind="email" autocomplete="email" />
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 12 characters."
                />
                <SubmitButton label="Create organization" />
            </form>
        </AuthCard>
    }
}
