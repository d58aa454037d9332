//! `/sso` (Settings → Single sign-on): the redirect URI to register at the IdP, each
//! provider's settings in one form (the client secret only ever shown as "set"), "Test
//! connection", and a form to add a provider.

mod group_rules;

use crate::api::roles::list_roles;
use crate::api::sso::{
    list_domains, list_providers, ClaimDomain, RemoveDomain, SaveProvider, SetRequireSso,
    TestProvider, VerifyDomain,
};
use crate::components::{
    viewer_may, Alert, ConsoleFrame, Copyable, LoadError, PageHeading, Panel, Submit, INPUT, QUIET,
};
use crate::pages::confirm_href;
use foxgate_core::model::Doomed;
use foxgate_core::model::{IdentityProvider, ProviderKind};
use foxgate_core::use_cases::SSO_UPDATE;
use group_rules::{Choices, GroupRules};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Sso() -> impl IntoView {
    view! {
        <Title text="Single sign-on" />
        <ConsoleFrame active="/sso">
            <PageHeading
                title="Single sign-on"
                subtitle="People sign in through your identity provider; its groups decide their roles here."
            />
            <SsoBody />
        </ConsoleFrame>
    }
}

#[component]
fn SsoBody() -> impl IntoView {
    let save = ServerAction::<SaveProvider>::new();
    let require = ServerAction::<SetRequireSso>::new();
    let settings = Resource::new(|| (), |_| list_providers());
    // The roles group rules and the default role may name.
    let choices = Resource::new(
        || (),
        |_| async {
            Choices {
                roles: list_roles().await.unwrap_or_default(),
            }
        },
    );
    let may_edit = viewer_may(SSO_UPDATE, None);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                let choices = choices.get().unwrap_or_default();
                settings
                    .get()
                    .map(|result| match result {
                        Ok(settings) => {
                            let cards = settings
                                .providers
                                .into_iter()
                                .map(|p| view! { <ProviderCard provider=p choices=choices.clone() save editable=may_edit.get() /> })
                                .collect_view();
                            view! {
                                <Panel title="Register Foxgate at your IdP">
                                    <p class="text-sm">"Redirect URI (sign-in redirect / reply URL): "
                                        <Copyable text=settings.redirect_uri what="redirect URI" testid="redirect-uri" />
                                    </p>
                                    <p class="mt-2 text-xs text-slate-600 dark:text-slate-400">"Grant type: authorization code with PKCE. Client authentication: client secret (basic). The README has step-by-step notes for Okta and Entra ID."</p>
                                </Panel>
                                <Panel title="Policy">
                                    <ActionForm action=require attr:class="flex flex-wrap items-center gap-3">
                                        <label class="flex items-center gap-2 text-sm">
                                            <input type="checkbox" name="require" value="on" checked=settings.require_sso disabled=!may_edit.get() />
                                            "Require single sign-on for everyone but owners (owners keep their password as a way in)"
                                        </label>
                                        {may_edit.get().then(|| view! { <Submit label="Save policy" class=QUIET /> })}
                                    </ActionForm>
                                </Panel>
                                <DomainsPanel editable=may_edit.get() />
                                {cards}
                                {may_edit
                                    .get()
                                    .then(|| {
                                        view! {
                                            <Panel title="Add a provider">
                                                <ProviderForm provider=None choices=choices.clone() save />
                                            </Panel>
                                        }
                                    })}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// The email domains that route sign-ins here: each claimed, then proven by a DNS record.
#[component]
fn DomainsPanel(editable: bool) -> impl IntoView {
    let claim = ServerAction::<ClaimDomain>::new();
    let verify = ServerAction::<VerifyDomain>::new();
    let remove = ServerAction::<RemoveDomain>::new();
    let domains = Resource::new(|| (), |_| list_domains());
    let rows = move || {
        domains.get().map(|result| {
            result
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    let (verify_id, remove_id) = (d.id.clone(), d.id.clone());
                    let status = if d.verified { "Verified" } else { "Waiting for the DNS record" };
                    view! {
                        <tr class="border-t border-slate-200 align-top dark:border-slate-800" data-testid="domain-row">
                            <td class="py-2 pr-3 font-medium">{d.domain.clone()}</td>
                            <td class="py-2 pr-3">{status}</td>
                            <td class="py-2 pr-3 text-xs">
                                {(!d.verified).then(|| view! {
                                    <p>"TXT record " <code class="rounded bg-slate-100 px-1 dark:bg-slate-800">{d.record_name.clone()}</code></p>
                                    <p>"holding " <Copyable text=d.record_value.clone() what="TXT record value" testid="domain-record-value" /></p>
                                })}
                            </td>
                            <td class="py-2">
                                {editable.then(|| view! {
                                    <div class="flex gap-2">
                                        {(!d.verified).then(|| view! {
                                            <ActionForm action=verify>
                                                <input type="hidden" name="domain_id" value=verify_id.clone() />
                                                <Submit label="Verify" class=QUIET />
                                            </ActionForm>
                                        })}
                                        <ActionForm action=remove>
                                            <input type="hidden" name="domain_id" value=remove_id.clone() />
                                            <Submit label="Remove" class=QUIET name=format!("Remove domain {}", d.domain) />
                                        </ActionForm>
                                    </div>
                                })}
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <Panel title="Email domains">
            <p class="mb-3 text-sm">"Sign-ins with an email of a domain go to this organization's identity provider once you prove you own the domain: publish the TXT record shown, then press Verify."</p>
            <table class="w-full text-left text-sm">
                <tbody>
                    <Suspense fallback=|| ()>{rows}</Suspense>
                </tbody>
            </table>
            {editable.then(|| view! {
                <ActionForm action=claim attr:class="mt-3 flex flex-wrap items-end gap-2">
                    <label class="text-sm">"Domain"
                        <input name="domain" placeholder="acme.com" class=INPUT required />
                    </label>
                    <Submit label="Claim domain" />
                </ActionForm>
            })}
        </Panel>
    }
}

#[component]
fn ProviderCard(
    provider: IdentityProvider,
    choices: Choices,
    save: ServerAction<SaveProvider>,
    editable: bool,
) -> impl IntoView {
    let delete_id = provider.id.clone();
    let title = format!(
        "{} · {}{}",
        provider.name,
        provider.kind.label(),
        if provider.enabled { "" } else { " (disabled)" }
    );
    view! {
        <section class="mb-6 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900" data-testid="provider-card">
            <h2 class="mb-3 font-semibold">{title}</h2>
            {if editable {
                view! { <ProviderForm provider=Some(provider.clone()) choices save /> }.into_any()
            } else {
                view! { <p class="text-sm">{provider.issuer.clone()}</p> }.into_any()
            }}
            <ConnectionTest provider=provider.id.clone()>
                {editable
                    .then(|| {
                        view! {
                            <a href=confirm_href(Doomed::Provider, &delete_id) class=QUIET>"Remove provider"</a>
                        }
                    })}
            </ConnectionTest>
        </section>
    }
}

/// "Test connection" beside the card's other actions (`children`), and the report under
/// them. An island: the report shows in place (a plain form post has no page to show it on).
#[island]
fn ConnectionTest(provider: String, children: Children) -> impl IntoView {
    let test = ServerAction::<TestProvider>::new();
    let report = move || {
        test.value().get().map(|result| match result {
            Ok(r) => {
                let items = r
                    .checks
                    .into_iter()
                    .map(|c| {
                        let mark = if c.ok { "✓" } else { "✗" };
                        let class = if c.ok { "text-emerald-700 dark:text-emerald-400" } else { "text-red-700 dark:text-red-400" };
                        view! { <li class=class>{format!("{mark} {}: {}", c.step, c.detail)}</li> }
                    })
                    .collect_view();
                view! { <ul class="mt-3 space-y-1 text-sm" data-testid="connection-report">{items}</ul> }.into_any()
            }
            Err(e) => view! { <div class="mt-3"><Alert>{e.message().to_string()}</Alert></div> }.into_any(),
        })
    };
    view! {
        <div class="mt-3 flex gap-2">
            <ActionForm action=test>
                <input type="hidden" name="provider" value=provider />
                <Submit label="Test connection" class=QUIET />
            </ActionForm>
            {children()}
        </div>
        {report}
    }
}

/// The settings of one provider (or a new one) as one plain form.
#[component]
fn ProviderForm(
    provider: Option<IdentityProvider>,
    choices: Choices,
    save: ServerAction<SaveProvider>,
) -> impl IntoView {
    let p = provider.clone();
    let get = move |f: fn(&IdentityProvider) -> String| p.as_ref().map(f).unwrap_or_default();
    let kind = provider.as_ref().map_or(ProviderKind::Okta, |p| p.kind);
    let secret_hint = if provider.as_ref().is_some_and(|p| p.client_secret_set) {
        "set — leave empty to keep it"
    } else {
        ""
    };
    let enabled = provider.as_ref().is_none_or(|p| p.enabled);
    let default_role = provider
        .as_ref()
        .and_then(|p| p.default_role.clone())
        .unwrap_or_default();
    let field = |label: &'static str, name: &'static str, value: String, hint: &'static str| {
        view! {
            <label class="block text-sm">
                {label}
                <input name=name value=value placeholder=hint class=format!("mt-1 block w-full {INPUT}") />
            </label>
        }
    };
    // Without JavaScript every field shows (each label says which kind it is for); in the
    // browser, only the chosen kind's (`data-shown-when`, frontend/src/linked_fields.rs).
    // The issuer's hint follows the chosen kind too: `kind value=example` pairs.
    let issuer_examples = ProviderKind::ALL
        .into_iter()
        .map(|k| format!("{}={}", k.as_str(), k.issuer_example()))
        .collect::<Vec<_>>()
        .join(" ");
    let only_for = |fits: fn(ProviderKind) -> bool| {
        let kinds: Vec<&str> = ProviderKind::ALL
            .into_iter()
            .filter(|k| fits(*k))
            .map(ProviderKind::as_str)
            .collect();
        format!("kind={}", kinds.join(" "))
    };
    view! {
        <ActionForm action=save attr:class="space-y-3">
            <input type="hidden" name="provider" value=get(|p| p.id.clone()) />
            <div class="grid gap-3 sm:grid-cols-2">
                <label class="block text-sm">
                    "Kind"
                    <select name="kind" class=format!("mt-1 block w-full {INPUT}")>
                        {ProviderKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.as_str() selected=k == kind>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                {field("Button label", "name", get(|p| p.name.clone()), "e.g. Okta")}
                <label class="block text-sm">
                    "Issuer"
                    <input name="issuer" value=get(|p| p.issuer.clone()) placeholder=kind.issuer_example() data-placeholder-from="kind" data-placeholders=issuer_examples class=format!("mt-1 block w-full {INPUT}") />
                </label>
                {field("Client id", "client_id", get(|p| p.client_id.clone()), "")}
                <label class="block text-sm">
                    "Client secret"
                    <input name="client_secret" type="password" autocomplete="off" placeholder=secret_hint class=format!("mt-1 block w-full {INPUT}") />
                </label>
                {field("Scopes", "scopes", get(|p| p.scopes.join(" ")), "openid email profile groups")}
                {field("Allowed email domains (Google: hd)", "allowed_domains", get(|p| p.allowed_domains.join(" ")), "acme.com")}
                <label class="block text-sm" data-shown-when=only_for(|k| k == ProviderKind::Entra)>
                    "Allowed Entra tenant ids (Entra ID)"
                    <input name="allowed_tenants" value=get(|p| p.allowed_tenants.join(" ")) class=format!("mt-1 block w-full {INPUT}") />
                </label>
                // Google's ID tokens carry no groups.
                <label class="block text-sm" data-shown-when=only_for(|k| k != ProviderKind::Google)>
                    "Groups claim (not Google)"
                    <input name="groups_claim" value=get(|p| p.groups_claim.clone().unwrap_or_default()) placeholder="groups" class=format!("mt-1 block w-full {INPUT}") />
                </label>
                <label class="block text-sm">
                    "Default role for new members"
                    <select name="default_role" class=format!("mt-1 block w-full {INPUT}")>
                        <option value="" selected=default_role.is_empty()>"None: refuse people no group maps"</option>
                        {choices
                            .roles
                            .iter()
                            .cloned()
                            .map(|r| {
                                let selected = r.id == default_role;
                                view! { <option value=r.id selected=selected>{r.name}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <GroupRules rules=provider.as_ref().map(|p| p.group_rules.clone()).unwrap_or_default() choices form_id=provider.as_ref().map_or_else(|| "new".to_string(), |p| p.id.clone()) />
            <label class="block text-sm">
                "Accept this IdP's tokens on the API, for the audience (empty: never)"
                <input name="api_audience" value=get(|p| p.api_audience.clone().unwrap_or_default()) placeholder="api://foxgate" class=format!("mt-1 block w-full {INPUT}") />
            </label>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="enabled" value="on" checked=enabled />
                "Enabled"
            </label>
            <Submit label=if provider.is_some() { "Save provider" } else { "Add provider" } />
        </ActionForm>
    }
}
