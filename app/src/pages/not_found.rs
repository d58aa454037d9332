//! The page for any path the console does not know.

use crate::components::AuthCard;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    crate::api::mark_not_found();
    view! {
        <Title text="Not found" />
        <AuthCard title="Page not found" subtitle="There is nothing at this address.">
            <a href="/" class="text-sm font-medium text-orange-700 hover:underline dark:text-orange-400">
                "Go to the console"
            </a>
        </AuthCard>
    }
}
