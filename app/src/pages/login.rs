//! `/login`: plain HTML forms, so sign-in works without JavaScript. A password form posting
//! to `POST /login`, and single sign-on: a work email (or, on `/login?org=<slug>`, a button per
//! provider of that org) posting to `POST /sso/start`, which sends the browser to the IdP.

use super::query_param;
use crate::api::sso::sign_in_options;
use crate::components::{Alert, AuthCard, Field, SubmitButton, INPUT, QUIET};
use crate::error::{message_for, sso_message};
use foxgate_core::model::PageError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Login() -> impl IntoView {
    let error = query_param("error");
    let reason = query_param("reason");
    let notice = query_param("notice");
    let org = query_param("org");
    let return_to = query_param("return_to");
    let options = Resource::new(org, |org| async move {
        match org {
            Some(org) => sign_in_options(org).await.unwrap_or_default(),
            None => Vec::new(),
        }
    });
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in" subtitle="Use your company account, or your Foxgate password.">
            {move || {
                error()
                    .map(|code| {
                        let text = if PageError::parse(&code) == Some(PageError::Sso) {
                            sso_message(&reason().unwrap_or_default())
                        } else {
                            message_for(&code, None)
                        };
                        view! { <Alert>{text}</Alert> }
                    })
            }}
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
            <Suspense fallback=|| ()>
                {move || {
                    options
                        .get()
                        .map(|list| {
                            list.into_iter()
                                .map(|o| {
                                    view! {
                                        <form method="post" action="/sso/start" class="mb-3">
                                            <input type="hidden" name="org" value=o.org_slug />
                                            <input type="hidden" name="provider" value=o.provider_id />
                                            <input type="hidden" name="return_to" value=return_to().unwrap_or_default() />
                                            <button type="submit" class=format!("w-full {QUIET}")>
                                                {format!("Sign in to {} with {}", o.org_name, o.label)}
                                            </button>
                                        </form>
                                    }
                                })
                                .collect_view()
                        })
                }}
            </Suspense>
            <form method="post" action="/sso/start" class="space-y-3">
                <label for="sso-email" class="block text-sm font-medium">"Work email"</label>
                <div class="flex gap-2">
                    <input id="sso-email" name="email" type="email" autocomplete="username" required class=format!("flex-1 {INPUT}") />
                    <input type="hidden" name="return_to" value=move || return_to().unwrap_or_default() />
                    <button type="submit" class=QUIET>"Continue with SSO"</button>
                </div>
            </form>
            <Show when=move || org().is_none()>
                <form method="get" action="/login" class="mt-3 flex gap-2">
                    <label for="sso-org" class="sr-only">"Organization"</label>
                    <input id="sso-org" name="org" placeholder="or your organization, e.g. acme" class=format!("flex-1 {INPUT}") />
                    <button type="submit" class=QUIET>"Find"</button>
                </form>
            </Show>
            <p class="my-6 text-center text-xs uppercase tracking-wide text-slate-600 dark:text-slate-400">"or with a Foxgate password"</p>
            <form method="post" action="/login" class="space-y-4">
                <Field label="Email" name="email" kind="email" autocomplete="username" />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                <SubmitButton label="Sign in" />
            </form>
        </AuthCard>
    }
}
