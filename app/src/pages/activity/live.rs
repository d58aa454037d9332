//! The Activity page's live tail, an island: in the browser, new events arrive over the
//! server-sent event stream and are shown above the rest. Without JavaScript the page is
//! the same, only not live.

use super::EventRow;
use foxgate_core::model::Event;
use leptos::prelude::*;

/// Follows `url` (the stream endpoint with the page's filters and `after`): says whether the
/// stream is open, and shows the events newer than the page, newest first.
#[island]
pub fn LiveEvents(url: String) -> impl IntoView {
    let events = RwSignal::new(Vec::<Event>::new());
    let open = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::open(&url, events, open));
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
    view! {
        <p class="mb-2 text-xs text-emerald-700 dark:text-emerald-400" data-testid="live-status">
            {move || if open.get() { "● Live: new events appear as they happen" } else { "" }}
        </p>
        <Show when=move || events.with(|e| !e.is_empty())>
            <table class="mb-2 w-full text-left text-sm" data-testid="live-events" aria-label="Events since this page opened">
                <tbody>
                    <For each=move || events.get() key=|e| e.id.clone() let:event>
                        <EventRow event=event />
                    </For>
                </tbody>
            </table>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use foxgate_core::model::Event;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;

    /// Most rows kept on screen; older live rows drop off (the table below still pages).
    const KEEP: usize = 200;

    pub fn open(url: &str, events: RwSignal<Vec<Event>>, open: RwSignal<bool>) {
        let Ok(source) = web_sys::EventSource::new(url) else {
            return;
        };
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |message: web_sys::MessageEvent| {
                let Some(data) = message.data().as_string() else {
                    return;
                };
                if let Ok(event) = serde_json::from_str::<Event>(&data) {
                    events.update(|rows| {
                        rows.insert(0, event);
                        rows.truncate(KEEP);
                    });
                }
            },
        );
        let _ =
            source.add_event_listener_with_callback("activity", on_event.as_ref().unchecked_ref());
        let on_open = Closure::<dyn FnMut()>::new(move || open.set(true));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut()>::new(move || open.set(false));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The callbacks live as long as the page; the source is closed with it.
        on_event.forget();
        on_open.forget();
        on_error.forget();
        let source = StoredValue::new_local(source);
        on_cleanup(move || source.with_value(web_sys::EventSource::close));
    }
}
