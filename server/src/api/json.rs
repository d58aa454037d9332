//! `ApiJson<T>`: a JSON body whose every rejection (bad syntax, wrong type, unknown field,
//! wrong content type) becomes an `invalid_input` answer in the API's error shape.

use crate::api_error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(value)| ApiJson(value))
            .map_err(|rejection| foxgate_core::Error::invalid("body", rejection.body_text()).into())
    }
}
