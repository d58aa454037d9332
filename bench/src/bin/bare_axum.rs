//! The baseline of the token load test: a bare axum handler on the same runtime settings,
//! answering `GET /api/v1/auth/me` with a fixed body of the same shape Foxgate returns.

use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};

async fn me(headers: HeaderMap) -> Json<serde_json::Value> {
    // Reads the header as a real handler would, so the comparison is not against nothing.
    let has_token = headers.contains_key("authorization");
    Json(serde_json::json!({
        "role": "org_admin", "auth_kind": "org_token", "org_id": "bench", "team_id": null,
        "subject": null, "email": null, "can_write": has_token,
        "permissions": ["org:read", "teams:read", "members:read", "roles:read", "tokens:read"],
    }))
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3900".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    let app = Router::new().route("/api/v1/auth/me", get(me));
    axum::serve(listener, app).await.expect("serve");
}
