//! `/device?user_code=…`: a script asks to act as the viewer (RFC 8628). The page names the
//! script (as it calls itself), where and when it asked, the org, and the permissions it
//! would get, each a checkbox the viewer can untick; approve or deny. Plain forms, so the
//! page is the same with and without JavaScript.

use super::query_param;
use crate::api::scripts::{describe_device, ApproveDevice, DenyDevice};
use crate::components::{ConsoleFrame, PageHeading, Panel, BUTTON, INPUT, QUIET};
use crate::error::message_for;
use foxgate_core::model::{format_utc, DeviceRequestInfo, PageError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn Device() -> impl IntoView {
    let code = query_param("user_code");
    let done = query_param("done");
    let found = Resource::new(
        move || (code(), done().is_some()),
        |(code, done)| async move {
            match code {
                Some(code) if !done => describe_device(code).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    view! {
        <Title text="Approve a script" />
        <ConsoleFrame active="/sessions">
            <PageHeading
                title="Approve a script"
                subtitle="A script or command-line tool asks to act as you. Approve it only if you just started it."
            />
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    found.get().map(|result| match result {
                        Ok(Some(info)) => view! { <Request info=info /> }.into_any(),
                        Ok(None) if done().is_some() => view! {
                            <a href="/sessions" class=QUIET>"See your scripts on the Sessions page"</a>
                        }.into_any(),
                        Ok(None) => view! { <CodeForm /> }.into_any(),
                        Err(e) => view! {
                            <p class="mb-4 text-sm text-red-700 dark:text-red-400" role="alert" data-testid="device-error">
                                {message_for(PageError::from(e.code()).as_str(), None)}
                                " The code may be mistyped, expired, or already answered."
                            </p>
                            <CodeForm />
                        }.into_any(),
                    })
                }}
            </Suspense>
        </ConsoleFrame>
    }
}

/// Where the viewer types the code their script shows.
#[component]
fn CodeForm() -> impl IntoView {
    view! {
        <Panel title="Enter the code">
            <form method="get" action="/device" class="flex flex-wrap items-end gap-3">
                <label class="text-sm">
                    "Code shown by your script "
                    <input name="user_code" class=INPUT required autocomplete="off" placeholder="BCDF-GHJK" autofocus />
                </label>
                <button type="submit" class=BUTTON>"Continue"</button>
            </form>
        </Panel>
    }
}

#[component]
fn Request(info: DeviceRequestInfo) -> impl IntoView {
    let boxes = info
        .offered
        .iter()
        .map(|word| {
            view! {
                <label class="mr-4 inline-flex items-center gap-1 text-sm">
                    <input type="checkbox" name="permissions[]" value=word.clone() checked />
                    <span class="font-mono">{word.clone()}</span>
                </label>
            }
        })
        .collect_view();
    let not_held = (!info.not_held.is_empty()).then(|| {
        view! {
            <p class="mt-3 text-sm text-slate-600 dark:text-slate-400" data-testid="device-not-held">
                "It also asked for what you do not hold, which it cannot get: "
                <span class="font-mono">{info.not_held.join(", ")}</span>
            </p>
        }
    });
    view! {
        <Panel title="The request">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="device-request">
                <dt class="text-slate-600 dark:text-slate-400">"Script"</dt>
                <dd><strong>{info.client_id.clone()}</strong>" (the name it gave itself)"</dd>
                <dt class="text-slate-600 dark:text-slate-400">"Organization"</dt>
                <dd>{info.org_name.clone()}</dd>
                <dt class="text-slate-600 dark:text-slate-400">"Asked from"</dt>
                <dd>{info.requested_ip.clone().unwrap_or_else(|| "an unknown address".into())}</dd>
                <dt class="text-slate-600 dark:text-slate-400">"Asked at"</dt>
                <dd>{format_utc(info.created_at)}</dd>
                <dt class="text-slate-600 dark:text-slate-400">"Code"</dt>
                <dd class="font-mono">{info.user_code.clone()}</dd>
            </dl>
            <form method="post" action=ApproveDevice::PATH class="mt-4">
                <input type="hidden" name="user_code" value=info.user_code.clone() />
                <fieldset>
                    <legend class="mb-2 text-sm font-medium">"What it may do as you (untick to narrow)"</legend>
                    <div data-testid="device-permissions">{boxes}</div>
                </fieldset>
                {not_held}
                <button type="submit" class=format!("{BUTTON} mt-4")>"Approve"</button>
            </form>
            <form method="post" action=DenyDevice::PATH class="mt-2">
                <input type="hidden" name="user_code" value=info.user_code />
                <button type="submit" class=QUIET>"Deny"</button>
            </form>
        </Panel>
    }
}
