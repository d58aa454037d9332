//! The baseline of the load tests: bare axum handlers on the same runtime settings,
//! answering `GET /api/v1/auth/me`, `POST /oauth2/introspect` and `POST
//! /access/v1/evaluation` with fixed bodies of the shapes Foxgate returns (`BARE_ME` and
//! `BARE_INTROSPECTION` name files holding Foxgate's own answers, for the same sizes).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use std::collections::HashMap;
use std::sync::Arc;

/// The fixed answers: Foxgate's own when the variable names a file holding it (same shape
/// and size), else a short one of the same shape.
struct Answers {
    me: serde_json::Value,
    introspection: serde_json::Value,
}

fn answer_from(variable: &str, short: serde_json::Value) -> serde_json::Value {
    std::env::var(variable)
        .ok()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(short)
}

impl Answers {
    fn from_env() -> Self {
        Self {
            me: answer_from(
                "BARE_ME",
                serde_json::json!({
                    "role": "org_admin", "auth_kind": "org_token", "org_id": "bench", "team_id": null,
                    "subject": null, "email": null, "can_write": true,
                    "permissions": ["org:read", "teams:read", "members:read", "roles:read", "tokens:read"],
                }),
            ),
            introspection: answer_from(
                "BARE_INTROSPECTION",
                serde_json::json!({
                    "active": true, "sub": "tok", "client_id": "tok", "token_type": "Bearer",
                    "scope": "org:read teams:read members:read roles:read tokens:read decisions:read",
                    "iat": 1_700_000_000, "iss": "http://127.0.0.1", "org_id": "bench", "auth_kind": "org_token",
                }),
            ),
        }
    }
}

async fn me(State(answers): State<Arc<Answers>>, headers: HeaderMap) -> Json<serde_json::Value> {
    // Reads the header and serializes the answer per request, as a real handler would, so the
    // comparison is not against nothing.
    let mut answer = answers.me.clone();
    answer["can_write"] = headers.contains_key("authorization").into();
    Json(answer)
}

async fn introspect(
    State(answers): State<Arc<Answers>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Json<serde_json::Value> {
    // Reads the caller's header and the form as a real handler would, and serializes the
    // answer per request as Foxgate does.
    let mut answer = answers.introspection.clone();
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
        .with_state(Arc::new(Answers::from_env()));
    axum::serve(listener, app).await.expect("serve");
}
