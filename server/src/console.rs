//! The console's plain-HTML doors: `POST /login`, `POST /logout`, `POST /setup` (forms that
//! work without JavaScript, answered with 303 redirects), and the redirects that send a
//! visitor to setup, sign-in or the dashboard depending on where the instance and they stand.

use crate::api_error::ApiError;
use crate::principal::Anyone;
use crate::session_store::{ORG_ID, USER_ID};
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use foxgate_core::authz::Principal;
use foxgate_core::authz::RequestContext;
use foxgate_core::model::PageError;
use foxgate_core::model::SetupInput;
use foxgate_core::secret::Secret;
use foxgate_core::service::sessions::keys;
use foxgate_core::service::{orgs, setup, signin, sso};
use foxgate_core::Error;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: Secret<String>,
    /// The page the visitor was sent to sign-in from; only same-origin paths are followed.
    #[serde(default)]
    return_to: String,
}

pub async fn login(
    State(state): State<AppState>,
    Anyone(p): Anyone,
    session: Session,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return page_error("/login", PageError::InvalidCredentials, &[]);
    };
    let return_to = sso::safe_return_to(&form.return_to);
    // A refusal comes back to the password step with the email (never the password) and
    // the page to return to, so the person only retypes what was wrong. An email too long
    // to be one is not echoed: the redirect stays small whatever was posted.
    let again = |error: PageError, field: Option<&str>| {
        let mut extra = Vec::new();
        match field {
            Some(field) => extra.push(("field", field)),
            None => extra.push(("email", form.email.as_str())),
        }
        if let Some(to) = &return_to {
            extra.push(("return_to", to.as_str()));
        }
        page_error("/login", error, &extra)
    };
    match signin::with_password(&state.services, &p.context, &form.email, &form.password).await {
        Ok(signed_in) => match start_session(&session, &signed_in, &p.context).await {
            Ok(()) => Redirect::to(return_to.as_deref().unwrap_or("/")).into_response(),
            Err(e) => ApiError::from(e).into_response(),
        },
        Err(Error::Unauthorized) => again(PageError::InvalidCredentials, None),
        Err(Error::RateLimited { .. }) => again(PageError::RateLimited, None),
        Err(Error::Forbidden) => again(PageError::SsoRequired, None),
        Err(Error::InvalidInput { field, .. }) => again(PageError::InvalidInput, Some(field)),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// A new session id at every sign-in, so a planted cookie never becomes a signed-in one;
/// with what the Sessions page shows and what sign-out at the IdP needs.
pub async fn start_session(
    session: &Session,
    signed_in: &signin::SignedIn,
    context: &RequestContext,
) -> Result<(), Error> {
    let store_error =
        |e: tower_sessions::session::Error| Error::internal(format!("session store: {e}"));
    // Nothing a previous sign-in (or an anonymous visit) left behind carries over: not its
    // org, not its IdP, not a pending one-time secret.
    session.clear().await;
    session.cycle_id().await.map_err(store_error)?;
    let now = foxgate_core::store::now_ms();
    let text = |v: &Option<String>| serde_json::json!(v.as_deref().unwrap_or_default());
    let mut values = vec![
        (USER_ID, serde_json::json!(signed_in.user_id)),
        (ORG_ID, serde_json::json!(signed_in.org_id)),
        (keys::SIGNED_IN_AT, serde_json::json!(now)),
        (keys::SEEN_AT, serde_json::json!(now)),
        (keys::IP, text(&context.ip)),
        (keys::USER_AGENT, text(&context.user_agent)),
        (keys::METHOD, serde_json::json!(signed_in.method())),
    ];
    if let Some(sso) = &signed_in.sso {
        values.push((keys::SSO_PROVIDER, serde_json::json!(sso.provider_id)));
        values.push((keys::ID_TOKEN, serde_json::json!(sso.id_token.expose())));
    }
    for (key, value) in values {
        session.insert(key, value).await.map_err(store_error)?;
    }
    Ok(())
}

pub async fn logout(
    State(state): State<AppState>,
    Anyone(p): Anyone,
    session: Session,
) -> Response {
    if p.is_authenticated() {
        if let Err(e) = signin::sign_out(&state.services, &p).await {
            return ApiError::from(e).into_response();
        }
    }
    let provider = session
        .get::<String>(keys::SSO_PROVIDER)
        .await
        .ok()
        .flatten();
    let id_token = session.get::<String>(keys::ID_TOKEN).await.ok().flatten();
    if let Err(e) = session.flush().await {
        return ApiError::from(Error::internal(format!("session store: {e}"))).into_response();
    }
    // Signed in through an IdP that offers it: end the IdP session too, then come back.
    if let (Some(provider), Some(id_token)) = (provider, id_token) {
        if let Some(url) =
            sso::sign_out_url(&state.services, &provider, &Secret::new(id_token)).await
        {
            return Redirect::to(&url).into_response();
        }
    }
    Redirect::to("/login?notice=signed_out").into_response()
}

pub async fn setup(
    State(state): State<AppState>,
    Anyone(p): Anyone,
    form: Result<Form<SetupInput>, FormRejection>,
) -> Response {
    let Ok(Form(input)) = form else {
        return page_error("/setup", PageError::InvalidInput, &[]);
    };
    match setup::complete_with_code(&state.services, &p.context, input).await {
        Ok(_) => Redirect::to("/login?notice=setup_done").into_response(),
        Err(Error::InvalidInput { field, .. }) => {
            page_error("/setup", PageError::InvalidInput, &[("field", field)])
        }
        Err(Error::RateLimited { .. }) => page_error("/setup", PageError::RateLimited, &[]),
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchForm {
    org: String,
}

/// `POST /orgs/switch`: the console works in another org the user belongs to.
pub async fn switch_org(
    State(state): State<AppState>,
    Anyone(p): Anyone,
    session: Session,
    form: Result<Form<SwitchForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return ApiError::from(Error::invalid("org", "missing")).into_response();
    };
    let provider = match session.get::<String>(keys::SSO_PROVIDER).await {
        Ok(provider) => provider,
        Err(e) => {
            return ApiError::from(Error::internal(format!("session store: {e}"))).into_response()
        }
    };
    match orgs::switch(&state.services, &p, &form.org, provider.as_deref()).await {
        Ok(orgs::Switch::Entered(org)) => match session.insert(ORG_ID, &org.id).await {
            Ok(()) => Redirect::to("/").into_response(),
            Err(e) => {
                ApiError::from(Error::internal(format!("session store: {e}"))).into_response()
            }
        },
        // The org wants its own IdP's word: the browser goes there, and comes back signed in.
        Ok(orgs::Switch::NeedsSignIn(org)) => {
            let request = sso::StartRequest {
                org: Some(org.slug),
                return_to: Some("/".into()),
                ..Default::default()
            };
            crate::sso::begin(&state, &p, &session, request).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Sends page visits where they belong: to `/setup` until the instance is set up (and away
/// from it afterwards), to `/login` when signed out, to `/` when already signed in.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let console_page = foxgate_app::CONSOLE_PAGES
        .iter()
        .any(|(page, _)| *page == path)
        || foxgate_app::CONSOLE_DETAIL_PAGES
            .iter()
            .any(|prefix| path.starts_with(prefix))
        || path == "/confirm"
        || path == "/device";
    if req.method() != Method::GET || !(console_page || path == "/login" || path == "/setup") {
        return next.run(req).await;
    }
    let done = match setup::is_done(&state.services).await {
        Ok(done) => done,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let signed_in = req
        .extensions()
        .get::<Principal>()
        .is_some_and(Principal::is_authenticated);
    let target = match (path, done, signed_in) {
        ("/setup", true, _) => Some("/login"),
        ("/setup", false, _) => None,
        (_, false, _) => Some("/setup"),
        ("/login", true, true) => Some("/"),
        ("/login", true, false) => None,
        (_, true, false) => Some("/login"),
        _ => None,
    };
    match target {
        // A signed-out visitor comes back to the page they asked for once signed in.
        Some("/login") if console_page && path != "/" => {
            let asked = req.uri().path_and_query().map_or(path, |pq| pq.as_str());
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("return_to", asked)
                .finish();
            Redirect::to(&format!("/login?{query}")).into_response()
        }
        Some(to) => Redirect::to(to).into_response(),
        None => next.run(req).await,
    }
}

/// Back to `page` with `?error=<code>` and the `extra` parameters (the field, the reason of a
/// refused single sign-on, what the visitor had typed), which the page turns into a fixed
/// sentence and a refilled form.
pub(crate) fn page_error(page: &str, error: PageError, extra: &[(&str, &str)]) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("error", error.as_str());
    query.extend_pairs(extra);
    Redirect::to(&format!("{page}?{}", query.finish())).into_response()
}
