//! The one error type of Foxgate, with its stable codes and their HTTP status (docs/architecture.md).

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. Clients match on these, so never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    TokenExpired,
    Forbidden,
    NotFound,
    InvalidInput,
    Conflict,
    RateLimited,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::TokenExpired => "token_expired",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidInput => "invalid_input",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::Unauthorized | Self::TokenExpired => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::InvalidInput => 422,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::Internal => 500,
        }
    }
}

/// Every failure a use case can report. Messages are written for the person reading them;
/// `Internal` keeps its cause for the log only.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("sign in first: missing or invalid credentials")]
    Unauthorized,
    #[error("the token has expired")]
    TokenExpired,
    #[error("you do not have permission to do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::TokenExpired => ErrorCode::TokenExpired,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::NotFound => ErrorCode::NotFound,
            Self::InvalidInput { .. } => ErrorCode::InvalidInput,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// The body sent to clients. `Internal` never carries its cause, only the request id
    /// under which the cause was logged.
    pub fn body(&self, request_id: Option<&str>) -> ErrorBody {
        let message = match (self, request_id) {
            (Self::Internal(_), Some(id)) => format!("internal error (request id {id})"),
            _ => self.to_string(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                field: match self {
                    Self::InvalidInput { field, .. } => Some((*field).to_string()),
                    _ => None,
                },
            },
        }
    }
}

/// `{"error":{"code","message"}}`, the shape of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// The input at fault, for `invalid_input`, so a form can point at it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(feature = "server")]
impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        // PostgreSQL refuses a NUL character in text (SQLSTATE 22021) where SQLite stores it:
        // input that carried one is the caller's mistake, not the server's.
        if let sqlx::Error::Database(db) = &e {
            if db.code().as_deref() == Some("22021") {
                return Self::invalid("input", "must not contain NUL characters");
            }
        }
        Self::Internal(format!("database: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let body = Error::internal("disk on fire at /var/lib").body(Some("req-1"));
        assert_eq!(body.error.code, ErrorCode::Internal);
        assert!(!body.error.message.contains("disk"));
        assert!(body.error.message.contains("req-1"));
    }

    #[test]
    fn codes_serialize_as_snake_case() {
        let json = serde_json::to_string(&Error::TokenExpired.body(None)).unwrap();
        assert!(json.contains(r#""code":"token_expired""#), "{json}");
        assert_eq!(
            Error::invalid("slug", "too short").code().http_status(),
            422
        );
    }
}
