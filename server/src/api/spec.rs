//! The OpenAPI 3.1 description of Foxgate's HTTP surface for programs: `/api/v1`, the
//! AuthZEN and OAuth doors and the health routes. Each operation comes from its handler's
//! `#[utoipa::path]`; what the `/api/v1` operations share (the error answers, how callers
//! authenticate, the permission they need in words) is added here, once.

use axum::http::header;
use axum::response::IntoResponse;
use foxgate_core::error::{ErrorBody, ErrorCode, ErrorDetail};
use foxgate_core::use_cases::{At, UseCase};
use serde_json::{json, Value};
use std::sync::LazyLock;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Components, ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Foxgate API",
        description = "Organizations, teams, roles, grants, tokens, identity providers and the \
            activity log of a self-hosted access-control plane. Every error answer is \
            `{\"error\":{\"code\",\"message\",\"field\"?}}`; anything outside what the caller \
            may read answers 404, exactly like something that does not exist.",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(ErrorBody, ErrorDetail, ErrorCode))
)]
struct Base;

/// The description's frame: title, licence, the error schema.
fn base() -> OpenApi {
    <Base as utoipa::OpenApi>::openapi()
}

/// The `x-permission` of an operation: the use cases (from the one table the services
/// enforce) any one of which lets a caller do it; empty when any signed-in caller may.
pub fn needs(cases: &[UseCase]) -> Value {
    Value::Array(
        cases
            .iter()
            .map(|case| {
                let mut need = json!({
                    "use_case": case.name,
                    "summary": case.summary,
                });
                if case.at != At::Own {
                    need["permission"] = json!(case.permission.to_string());
                }
                need["at"] = json!(case.at.describe());
                need
            })
            .collect(),
    )
}

/// The error answers an operation may give, by status, with the codes each carries.
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "401",
        "Unauthorized",
        "`unauthorized` (no or bad credentials) or `token_expired`",
    ),
    (
        "403",
        "Forbidden",
        "`forbidden`: the caller may read this but not do it",
    ),
    (
        "404",
        "NotFound",
        "`not_found`: it does not exist, or the caller may not read it",
    ),
    (
        "409",
        "Conflict",
        "`conflict`: it already exists, or is still in use",
    ),
    (
        "422",
        "InvalidInput",
        "`invalid_input`: `field` names the input at fault",
    ),
    (
        "429",
        "RateLimited",
        "`rate_limited`: try again after `Retry-After` seconds",
    ),
];

/// The whole description: `/api/v1` with its shared parts, then the AuthZEN and OAuth
/// doors and the health routes, each described by its own handlers.
pub fn whole() -> OpenApi {
    let mut api = base()
        .nest("/api/v1", with_shared_parts(super::described().1))
        .merge_from(crate::authzen::described().1)
        .merge_from(crate::oauth::described().1)
        .merge_from(crate::health::described().1);
    security_schemes(api.components.get_or_insert_with(Default::default));
    api
}

/// How callers prove who they are, named by the operations' `security`.
fn security_schemes(components: &mut Components) {
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API token (`fgt_…`), a script's access token (JWT), or — where the org \
                     opted in — the identity provider's access token. Secure-mode tokens sign \
                     each request instead (RFC 9421 HTTP Message Signatures, `keyid` = the \
                     token id).",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "foxgate_session",
            "The console's session cookie (`__Host-foxgate_session` over https); a change \
             also needs a same-origin `Origin` header.",
        ))),
    );
    components.add_security_scheme(
        "client",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Basic)
                .description(Some(
                    "OAuth client authentication (RFC 6749 §2.3.1): a token's id as the client \
                     id and the token itself as the secret, in `Authorization: Basic` or as \
                     `client_id` and `client_secret` in the form.",
                ))
                .build(),
        ),
    );
}

/// Adds the errors, security and needed permission every `/api/v1` operation shares.
fn with_shared_parts(mut api: OpenApi) -> OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    for (_, name, codes) in ERRORS {
        components.responses.insert(
            (*name).to_string(),
            RefOr::T(
                ResponseBuilder::new()
                    .description(*codes)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            ),
        );
    }
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            shared_parts(operation);
        }
    }
    api
}

/// Errors, security and the needed permission in words for one operation. An operation
/// that declared `security(())` is public: it keeps no security requirement and cannot
/// answer 401 or 403.
fn shared_parts(operation: &mut Operation) {
    let public = operation.security.is_some();
    if !public {
        operation.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
    for (status, name, _) in ERRORS {
        if public && matches!(*status, "401" | "403") {
            continue;
        }
        operation
            .responses
            .responses
            .entry((*status).to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
    }
    let needs = operation
        .extensions
        .as_ref()
        .and_then(|e| e.get("x-permission"))
        .and_then(Value::as_array);
    if let Some(needs) = needs {
        let words = if needs.is_empty() {
            "Any signed-in caller.".to_string()
        } else {
            let each: Vec<String> = needs
                .iter()
                .map(|need| match need["permission"].as_str() {
                    Some(permission) => {
                        format!("`{permission}` ({})", need["at"].as_str().unwrap_or(""))
                    }
                    None => format!("ownership ({})", need["summary"].as_str().unwrap_or("")),
                })
                .collect();
            format!("Needs {}.", each.join(", or "))
        };
        let text = match operation.description.take() {
            Some(described) => format!("{described}\n\n{words}"),
            None => words,
        };
        operation.description = Some(text);
    }
}

/// The description as JSON, built once per process.
pub fn document() -> &'static str {
    static DOCUMENT: LazyLock<String> =
        LazyLock::new(|| serde_json::to_string(&whole()).expect("the description serializes"));
    &DOCUMENT
}

/// `GET /api/v1/openapi.json`: this description, public and cacheable.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "get_openapi",
    tag = "meta",
    summary = "This OpenAPI description",
    security(()),
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json"))
)]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        document(),
    )
}
