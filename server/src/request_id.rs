//! `x-request-id`: taken from the request when it is a sane token, else generated; put in
//! the request extensions, the tracing span, the response header, and a task-local so
//! that error answers can name it.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being handled on this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Client-supplied ids are kept only when short and plain, so they cannot forge log lines.
fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// A time-ordered UUIDv7 from this thread's generator. Not `store::new_id`, whose
/// process-wide monotonic counter sits behind a mutex that every request would contend on.
fn fresh() -> String {
    use rand::RngCore;
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut random = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut random);
    uuid::Builder::from_unix_timestamp_millis(ms, &random)
        .into_uuid()
        .to_string()
}

pub async fn assign(req: Request, next: Next) -> Response {
    around(req, |req| next.run(req)).await
}

/// Runs `handle` for `req` under its request id (kept from the request when acceptable,
/// else fresh): in the extensions, the tracing span, the task-local and the response.
pub async fn around<F, Fut>(mut req: Request, handle: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(fresh);
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    let started = std::time::Instant::now();
    let mut response = CURRENT
        .scope(id.clone(), handle(req).instrument(span.clone()))
        .await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "answered"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_distinct_acceptable_uuid_v7() {
        let (a, b) = (fresh(), fresh());
        assert_ne!(a, b);
        assert!(acceptable(&a));
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 7);
    }
}
