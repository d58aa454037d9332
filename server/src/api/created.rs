//! `Created`: a `201` answer naming, in `Location`, where the new thing is read.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// The path the new thing is read at (under `/api/v1`) and its body.
pub struct Created<T>(pub String, pub T);

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        let Created(path, body) = self;
        let mut response = (StatusCode::CREATED, Json(body)).into_response();
        // Ids and slugs are URL-safe; a path that is not a header value is simply not named.
        if let Ok(location) = HeaderValue::try_from(format!("/api/v1{path}")) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response
    }
}
