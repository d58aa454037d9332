//! `Filter<T>`: a list's query parameters, where an unknown parameter or a value of the
//! wrong type is the caller's mistake (422 `invalid_input` naming it), never a bare 400.

use crate::api_error::ApiError;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct Filter<T>(pub T);

impl<T, S> FromRequestParts<S> for Filter<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(filter) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| foxgate_core::Error::invalid("query", e.body_text()))?;
        Ok(Filter(filter))
    }
}
