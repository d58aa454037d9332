//! The one mapping of `foxgate_core::Error` to an HTTP answer: status, `Retry-After` when
//! rate-limited, and `{"error":{"code","message"}}`. Internal causes go to the log only.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use foxgate_core::Error;

#[derive(Debug)]
pub struct ApiError {
    error: Error,
    message: Option<String>,
}

impl ApiError {
    /// Replaces the default message (the code stays).
    pub fn with_message(mut self, message: String) -> Self {
        self.message = Some(message);
        self
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self {
            error,
            message: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let request_id = crate::request_id::current();
        if let Error::Internal(cause) = &self.error {
            tracing::error!(%cause, "internal error");
        }
        let mut body = self.error.body(request_id.as_deref());
        if let Some(message) = self.message {
            body.error.message = message;
        }
        let status = StatusCode::from_u16(self.error.code().http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(body)).into_response();
        if let Error::RateLimited { retry_after_secs } = self.error {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}
