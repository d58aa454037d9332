//! The Activity page's live tail: once the page is hydrated, new events arrive over the
//! server-sent event stream and are shown above the rest. Without JavaScript the page is
//! the same, only not live.

use super::EventRow;
use foxgate_core::model::Event;
use leptos::prelude::*;

/// Rows for events newer than the page, newest first, and whether the stream is open.
#[derive(Clone, Copy)]
pub struct Live {
    pub events: RwSignal<Vec<Event>>,
    pub open: RwSignal<bool>,
}

/// Starts following `url` (the stream endpoint with the page's filters and `after`) when
/// running in a browser; closes it when the page goes away.
pub fn follow(url: String) -> Live {
    let live = Live {
        events: RwSignal::new(Vec::new()),
        open: RwSignal::new(false),
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::open(&url, live));
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
    live
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Live;
    use foxgate_core::model::Event;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;

    /// Most rows kept on screen; older live rows drop off (the table below still pages).
    const KEEP: usize = 200;

    pub fn open(url: &str, live: Live) {
        let Ok(source) = web_sys::EventSource::new(url) else {
            return;
        };
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |message: web_sys::MessageEvent| {
                let Some(data) = message.data().as_string() else {
                    return;
                };
                if let Ok(event) = serde_json::from_str::<Event>(&data) {
                    live.events.update(|rows| {
                        rows.insert(0, event);
                        rows.truncate(KEEP);
                    });
                }
            },
        );
        let _ =
            source.add_event_listener_with_callback("activity", on_event.as_ref().unchecked_ref());
        let on_open = Closure::<dyn FnMut()>::new(move || live.open.set(true));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut()>::new(move || live.open.set(false));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The callbacks live as long as the page; the source is closed with it.
        on_event.forget();
        on_open.forget();
        on_error.forget();
        let source = StoredValue::new_local(source);
        on_cleanup(move || source.with_value(web_sys::EventSource::close));
    }
}

/// The rows that arrived while the page was open.
#[component]
pub fn LiveRows(live: Live) -> impl IntoView {
    view! {
        <For each=move || live.events.get() key=|e| e.id.clone() let:event>
            <EventRow event=event />
        </For>
    }
}
