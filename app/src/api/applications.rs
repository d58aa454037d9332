//! Server functions for the Applications page: the declaration travels as a grid of rows
//! (`resources[]` with their `actions[]`).

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{Application, ApplicationChanged};
use leptos::prelude::*;

/// Every application (an org declares a bounded number): the roles grid offers them all.
#[server(prefix = "/fn", endpoint = "list_applications")]
pub async fn list_applications() -> Result<Vec<Application>, UiError> {
    use foxgate_core::service::{applications, page};
    let (s, p) = door::enter().await?;
    let (s, p, org) = (&s, &p, door::org(&p));
    let all = page::every(|asked| async move {
        let page = applications::list(s, p, org, &asked).await?;
        Ok((page.applications, page.next_cursor))
    })
    .await;
    door::leave(p, all)
}

/// Declares a new application (`application` empty) or saves an existing one.
#[server(prefix = "/fn", endpoint = "save_application")]
pub async fn save_application(
    application: String,
    #[server(default)] slug: String,
    name: String,
    #[server(default)] description: String,
    #[server(default)] resources: Vec<String>,
    #[server(default)] actions: Vec<String>,
) -> Result<ApplicationChanged, UiError> {
    use foxgate_core::model::{resource_types_from_grid, ApplicationChanges, NewApplication};
    use foxgate_core::service::applications;
    let resource_types = resource_types_from_grid(&resources, &actions);
    if application.is_empty() {
        let input = NewApplication {
            slug,
            name,
            description,
            resource_types,
        };
        let (s, p) = door::enter().await?;
        let created = applications::create(&s, &p, door::org(&p), input).await;
        door::leave(
            &p,
            created.map(|a| ApplicationChanged {
                application: Some(a),
                ..Default::default()
            }),
        )
    } else {
        let changes = ApplicationChanges {
            name: Some(name),
            description: Some(description),
            resource_types: Some(resource_types),
        };
        door::serve!(applications::update, &application, changes)
    }
}

/// Deletes an application; `confirm` (a ticked box) takes its permissions from the roles
/// and tokens that hold them.
#[server(prefix = "/fn", endpoint = "delete_application")]
pub async fn delete_application(
    application: String,
    #[server(default)] confirm: Option<String>,
) -> Result<ApplicationChanged, UiError> {
    door::serve!(
        foxgate_core::service::applications::delete,
        &application,
        confirm.is_some()
    )
}
