//! `/login`: a plain HTML form posting to `POST /login`, so it works without JavaScript.

use super::query_param;
use crate::components::{Alert, AuthCard, Field, SubmitButton};
use crate::error::message_for;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Login() -> impl IntoView {
    let error = query_param("error");
    let notice = query_param("notice");
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in" subtitle="Use your Foxgate account.">
            {move || error().map(|code| view! { <Alert>{message_for(&code, None)}</Alert> })}
            {move || {
                notice()
                    .map(|n| {
                        let text = match n.as_str() {
                            "setup_done" => "Foxgate is set up. Sign in with the owner account you just created.",
                            _ => "You are signed out.",
                        };
                        view! { <Alert error=false>{text}</Alert> }
                    })
            }}
            <form method="post" action="/login" class="space-y-4">
                <Field label="Email" name="email" kind="email" autocomplete="username" />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                <SubmitButton label="Sign in" />
            </form>
        </AuthCard>
    }
}
