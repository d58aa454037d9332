//! `/login`: email first, then the way in the email's org asks for — its identity provider
//! (`POST /sso/start`), a Foxgate password (`POST /login`), or both. Plain HTML forms, so
//! sign-in works without JavaScript: the first step is a GET form to `/login?email=…`.
//! `?org=<slug>` shows a button per provider of that org; `?return_to=` is carried through
//! every step to the page the visitor was sent here from.

use super::query_param;
use crate::api::sso::{sign_in_options, sign_in_route_for};
use crate::components::{Alert, AuthCard, Field, SubmitButton, BUTTON, INPUT, QUIET};
use crate::error::{message_for, sso_message};
use foxgate_core::model::{PageError, SignInOption};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Login() -> impl IntoView {
    let email = query_param("email");
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in" subtitle="Use your company account, or your Foxgate password.">
            <Notices />
            {move || match email().filter(|e| !e.trim().is_empty()) {
                Some(email) => view! { <SecondStep email /> }.into_any(),
                None => view! { <FirstStep /> }.into_any(),
            }}
        </AuthCard>
    }
}

/// The refusal of the last attempt, or what happened before (set up, signed out).
#[component]
fn Notices() -> impl IntoView {
    let (error, reason, notice) = (
        query_param("error"),
        query_param("reason"),
        query_param("notice"),
    );
    view! {
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
    }
}

/// `return_to`, carried as a hidden field when there is one.
fn return_to_field() -> impl IntoView {
    let return_to = query_param("return_to");
    move || return_to().map(|to| view! { <input type="hidden" name="return_to" value=to /> })
}

/// One email box (and, on `/login?org=…`, that org's provider buttons).
#[component]
fn FirstStep() -> impl IntoView {
    let org = query_param("org");
    let options = Resource::new(org, |org| async move {
        match org {
            Some(org) => sign_in_options(org).await.unwrap_or_default(),
            None => Vec::new(),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || options.get().map(|list| list.into_iter().map(|o| view! { <ProviderButton option=o /> }).collect_view())}
        </Suspense>
        <form method="get" action="/login" class="space-y-4">
            <Field label="Email" name="email" kind="email" autocomplete="username" autofocus=true />
            {return_to_field()}
            <SubmitButton label="Continue" />
        </form>
        <Show when=move || org().is_none()>
            <form method="get" action="/login" class="mt-6 flex gap-2">
                <label for="sso-org" class="sr-only">"Organization"</label>
                <input id="sso-org" name="org" placeholder="or your organization, e.g. acme" class=format!("flex-1 {INPUT}") />
                <button type="submit" class=QUIET>"Find"</button>
            </form>
        </Show>
    }
}

/// A button that starts single sign-on through one provider of one org.
#[component]
fn ProviderButton(option: SignInOption, #[prop(optional)] email: Option<String>) -> impl IntoView {
    // Offered for the typed email, it is the way in; on an org's page, one choice of several.
    let class = if email.is_some() { BUTTON } else { QUIET };
    view! {
        <form method="post" action="/sso/start" class="mb-3">
            {match email {
                // By email, so the IdP is handed the address as a login hint.
                Some(email) => view! { <input type="hidden" name="email" value=email /> }.into_any(),
                None => view! {
                    <input type="hidden" name="org" value=option.org_slug />
                    <input type="hidden" name="provider" value=option.provider_id />
                }
                .into_any(),
            }}
            {return_to_field()}
            <button type="submit" class=format!("w-full {class}")>
                {format!("Sign in to {} with {}", option.org_name, option.label)}
            </button>
        </form>
    }
}

/// The way in for `email`: its org's identity provider when the domain has one, and the
/// password form unless that org requires single sign-on (then folded away for its owners).
#[component]
fn SecondStep(email: String) -> impl IntoView {
    let return_to = query_param("return_to");
    let route = Resource::new(
        {
            let email = email.clone();
            move || email.clone()
        },
        |email| async move { sign_in_route_for(email).await },
    );
    let another = move || {
        return_to().map_or_else(
            || "/login".to_string(),
            |to| format!("/login?return_to={}", encode(&to)),
        )
    };
    let shown = email.clone();
    view! {
        <p class="mb-4 text-sm">
            "Signing in as " <strong data-testid="signin-email">{shown}</strong> " · "
            <a href=another class="text-orange-700 underline dark:text-orange-400">"Use another email"</a>
        </p>
        <Suspense fallback=|| view! { <p class="text-sm">"Looking up your organization…"</p> }>
            {move || {
                let email = email.clone();
                route.get().map(move |found| {
                    let route = found.unwrap_or_default();
                    let password = view! { <PasswordForm email=email.clone() /> };
                    match route.sso {
                        None => password.into_any(),
                        Some(option) => view! {
                            <ProviderButton option email=email.clone() />
                            {if route.sso_required {
                                view! {
                                    <details class="mt-6 text-sm">
                                        <summary class="cursor-pointer text-slate-600 dark:text-slate-400">"Owners: sign in with a password while the identity provider is down"</summary>
                                        <div class="mt-3">{password}</div>
                                    </details>
                                }
                                .into_any()
                            } else {
                                view! {
                                    <p class="my-6 text-center text-xs uppercase tracking-wide text-slate-600 dark:text-slate-400">"or with a Foxgate password"</p>
                                    {password}
                                }
                                .into_any()
                            }}
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn PasswordForm(email: String) -> impl IntoView {
    view! {
        <form method="post" action="/login" class="space-y-4">
            <Field label="Email" name="email" kind="email" autocomplete="username" value=email />
            <Field label="Password" name="password" kind="password" autocomplete="current-password" autofocus=true />
            {return_to_field()}
            <SubmitButton label="Sign in" />
        </form>
    }
}

/// Percent-encodes a query value (the page to return to, carried in a link).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
