//! The baseline of the load tests: bare axum handlers on the same runtime settings,
//! answering `GET /api/v1/auth/me`, `POST /oauth2/introspect` and `POST
//! /access/v1/evaluation` with fixed bodies of the shapes Foxgate returns.

use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use std::collections::HashMap;

async fn me(headers: HeaderMap) -> Json<serde_json::Value> {
    // Reads the header as a real handler would, so the comparison is not against nothing.
    let has_token = headers.contains_key("authorization");
    Json(serde_json::json!({
        "role": "org_admin", "auth_kind": "org_token", "org_id": "bench", "team_id": null,
        "subject": null, "email": null, "can_write": has_token,
        "permissions": ["org:read", "teams:read", "members:read", "roles:read", "tokens:read"],
    }))
}

async fn introspect(
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Json<serde_json::Value> {
    // Reads the caller's header and the form as a real handler would.
    let active = headers.contains_key("authorization") && form.contains_key("token");
    Json(serde_json::json!({
        "active": active, "sub": "tok", "client_id": "tok", "token_type": "Bearer",
        "scope": "org:read teams:read members:read roles:read tokens:read decisions:read",
        "iat": 1_700_000_000, "iss": "http://127.0.0.1", "org_id": "bench", "auth_kind": "org_token",
    }))
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
        .route("/access/v1/evaluation", post(evaluate));
    axum::serve(listener, app).await.expect("serve");
}
