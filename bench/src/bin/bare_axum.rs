//! The baseline of the load tests: bare axum handlers on the same runtime settings,
//! answering `GET /api/v1/auth/me`, `POST /oauth2/introspect` and `POST
//! /access/v1/evaluation` with fixed bodies of the shapes Foxgate returns.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use std::collections::HashMap;
use std::sync::Arc;

async fn me(headers: HeaderMap) -> Json<serde_json::Value> {
    // Reads the header as a real handler would, so the comparison is not against nothing.
    let has_token = headers.contains_key("authorization");
    Json(serde_json::json!({
        "role": "org_admin", "auth_kind": "org_token", "org_id": "bench", "team_id": null,
        "subject": null, "email": null, "can_write": has_token,
        "permissions": ["org:read", "teams:read", "members:read", "roles:read", "tokens:read"],
    }))
}

/// The introspection answer: Foxgate's own answer when `BARE_INTROSPECTION` names a file
/// holding it (same shape and size), else a short one.
fn introspection_body() -> serde_json::Value {
    std::env::var("BARE_INTROSPECTION")
        .ok()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_else(|| {
            serde_json::json!({
                "active": true, "sub": "tok", "client_id": "tok", "token_type": "Bearer",
                "scope": "org:read teams:read members:read roles:read tokens:read decisions:read",
                "iat": 1_700_000_000, "iss": "http://127.0.0.1", "org_id": "bench", "auth_kind": "org_token",
            })
        })
}

async fn introspect(
    State(body): State<Arc<serde_json::Value>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Json<serde_json::Value> {
    // Reads the caller's header and the form as a real handler would, and serializes the
    // answer per request as Foxgate does.
    let mut answer = serde_json::Value::clone(&body);
    answer["active"] = (headers.contains_key("authorization") && form.contains_key("token")).into();
    Json(answer)
}

async fn evaluate(Json(asked): Json<serde_json::Value>) -> Json<serde_json::Value> {
    // Reads the question as a real handler would.
    let decision = asked["subject"]["id"].is_string() && asked["action"]["name"].is_string();
    Json(serde_json::json!({ "decision": decision }))
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3900".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    let app = Router::new()
        .route("/api/v1/auth/me", get(me))
        .route("/oauth2/introspect", post(introspect))
        .route("/access/v1/evaluation", post(evaluate))
        .with_state(Arc::new(introspection_body()));
    axum::serve(listener, app).await.expect("serve");
}
