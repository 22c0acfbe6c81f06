//! Where the problem is, on the request form (SPEC P1): "place it on the map" opens a small
//! map of Xianyang's districts where a tap drops a pin, "use my location" asks the phone,
//! and the point goes with the form as `lon`/`lat`. The map and Leaflet are fetched only when
//! the citizen asks for them (the map code is its own WASM chunk), so the form costs nothing
//! more to load; without JavaScript the buttons stay hidden and the typed address is used.

use hotline_domain::Coordinates;
use leptos::prelude::*;

use crate::i18n::{tr, use_lang};

/// The pin picker with the form's hidden `lon`/`lat` fields; `point` is what they hold.
#[component]
pub fn PlacePicker(point: RwSignal<Option<Coordinates>>) -> impl IntoView {
    let lang = use_lang();
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let opened = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let holder = NodeRef::<leptos::html::Div>::new();
    let value = move |pick: fn(Coordinates) -> f64| {
        move || {
            point
                .get()
                .map(|p| format!("{:.6}", pick(p)))
                .unwrap_or_default()
        }
    };

    let open = move || {
        if opened.get_untracked() {
            return;
        }
        opened.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            // The holder is shown in this turn; Leaflet measures it when the map is made.
            let Some(element) = holder.get_untracked() else {
                return;
            };
            if browser::open(element.into(), point).await.is_err() {
                problem.set(Some("map"));
            }
        });
    };
    let locate = move |_| {
        problem.set(None);
        open();
        #[cfg(feature = "hydrate")]
        browser::locate(point, problem);
    };

    view! {
        <div class="field place-picker" data-testid="place-picker">
            <input type="hidden" name="lon" prop:value=value(|p| p.lon) data-testid="pin-lon" />
            <input type="hidden" name="lat" prop:value=value(|p| p.lat) data-testid="pin-lat" />
            <div class="actions" hidden=move || !scripted.get()>
                <button type="button" class="button secondary" data-testid="pin-open"
                    aria-expanded=move || opened.get().to_string() aria-controls="f-pin-map"
                    on:click=move |_| open()>
                    {tr!(lang, portal.pin_on_map)}
                </button>
                <button type="button" class="button secondary" data-testid="pin-locate" on:click=locate>
                    {tr!(lang, portal.pin_my_location)}
                </button>
            </div>
            <div id="f-pin-map" class="pin-map" node_ref=holder hidden=move || !opened.get()
                role="application" aria-label=tr!(lang, portal.pin_map_label) data-testid="pin-map"></div>
            <p class="hint" role="status" aria-live="polite" data-testid="pin-status">
                {move || match (point.get(), problem.get()) {
                    (_, Some("map")) => tr!(lang, portal.pin_map_failed).to_string(),
                    (_, Some(_)) => tr!(lang, portal.pin_no_location).to_string(),
                    (Some(p), None) => tr!(lang, portal.pin_placed, lon = format!("{:.5}", p.lon), lat = format!("{:.5}", p.lat)).to_string(),
                    (None, None) if opened.get() => tr!(lang, portal.pin_tap).to_string(),
                    (None, None) => String::new(),
                }}
            </p>
            {move || point.get().map(|_| view! {
                <button type="button" class="button small secondary" data-testid="pin-clear"
                    on:click=move |_| point.set(None)>{tr!(lang, portal.pin_clear)}</button>
            })}
        </div>
    }
}

/// The map itself, in the browser: its own WASM chunk, fetched on the first "place it".
#[cfg(feature = "hydrate")]
mod browser {
    use hotline_domain::Coordinates;
    use js_sys::{Function, Reflect};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use crate::pages::map::leaflet::{self, options};

    thread_local! {
        /// What the map is drawn in and for: handed to the map's chunk through here, so its
        /// entry takes no arguments across the chunk boundary.
        static ASKED: std::cell::RefCell<Option<(web_sys::HtmlElement, RwSignal<Option<Coordinates>>)>> =
            const { std::cell::RefCell::new(None) };
    }

    /// Draws the picker's map in `holder` (once): the district outlines, a tap drops or moves
    /// the pin, and a point set elsewhere ("use my location") moves it there.
    pub async fn open(
        holder: web_sys::HtmlElement,
        point: RwSignal<Option<Coordinates>>,
    ) -> Result<(), String> {
        ASKED.with(|asked| *asked.borrow_mut() = Some((holder, point)));
        draw_pin_map().await
    }

    #[leptos::lazy]
    async fn draw_pin_map() -> Result<(), String> {
        let Some((holder, point)) = ASKED.with(|asked| asked.borrow_mut().take()) else {
            return Err("no map holder".into());
        };
        draw(holder, point).await.map_err(|e| format!("{e:?}"))
    }

    async fn draw(
        holder: web_sys::HtmlElement,
        point: RwSignal<Option<Coordinates>>,
    ) -> Result<(), JsValue> {
        leaflet::load().await?;
        let map = leaflet::new_map(
            &holder,
            &options(&[
                ("attributionControl", false.into()),
                ("zoomSnap", 0.5.into()),
            ]),
        );
        map.set_view(
            &leaflet::lat_lon(Coordinates {
                lon: 108.709,
                lat: 34.33,
            }),
            9.0,
        );
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let response: web_sys::Response =
            wasm_bindgen_futures::JsFuture::from(window.fetch_with_str("/api/v1/map/districts"))
                .await?
                .dyn_into()?;
        let outlines = wasm_bindgen_futures::JsFuture::from(response.json()?).await?;
        map.add_layer(&leaflet::district_outlines(&outlines, 0.6));
        map.add_layer(&leaflet::district_labels(&outlines));
        let tapped = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            if let Some(at) = leaflet::event_position(&event) {
                point.set(Some(at));
            }
        });
        map.on("click", tapped.as_ref().unchecked_ref::<Function>());
        tapped.forget();
        // The pin follows the point, whoever set it; a cleared point removes it.
        let map = StoredValue::new_local(map);
        let pin: StoredValue<Option<leaflet::Marker>, LocalStorage> = StoredValue::new_local(None);
        Effect::new(move |_| {
            let at = point.get();
            map.with_value(|map| match at {
                Some(at) => {
                    let spot = leaflet::lat_lon(at);
                    pin.update_value(|pin| match pin {
                        Some(marker) => {
                            marker.move_to(&spot);
                        }
                        None => {
                            let icon = leaflet::div_icon(&options(&[
                                ("className", "pin-mark".into()),
                                (
                                    "iconSize",
                                    js_sys::Array::of2(&26.into(), &26.into()).into(),
                                ),
                            ]));
                            let marker = leaflet::movable_marker(
                                &spot,
                                &options(&[("icon", icon), ("keyboard", false.into())]),
                            );
                            map.add_layer(&marker);
                            *pin = Some(marker);
                        }
                    });
                    // A point found elsewhere ("use my location") is brought into view, at
                    // a scale where the district outlines still show; a tap keeps the view.
                    let view = map.bounds();
                    let seen = (view.west()..=view.east()).contains(&at.lon)
                        && (view.south()..=view.north()).contains(&at.lat);
                    if !seen {
                        map.set_view(&spot, map.zoom().max(11.0));
                    }
                }
                None => pin.update_value(|pin| {
                    if let Some(marker) = pin.take() {
                        map.remove_layer(&marker);
                    }
                }),
            });
        });
        Ok(())
    }

    /// Asks the phone where it is; the reading (WGS-84) is put in the map's frame. A refusal
    /// or no answer within 15 s sets `problem`.
    pub fn locate(point: RwSignal<Option<Coordinates>>, problem: RwSignal<Option<&'static str>>) {
        let geolocation = web_sys::window()
            .and_then(|w| Reflect::get(&w, &"navigator".into()).ok())
            .and_then(|n| Reflect::get(&n, &"geolocation".into()).ok())
            .filter(|g| !g.is_undefined());
        let Some(geolocation) = geolocation else {
            problem.set(Some("location"));
            return;
        };
        let found = Closure::once_into_js(move |position: JsValue| {
            let coords = Reflect::get(&position, &"coords".into()).unwrap_or_default();
            let read = |name: &str| {
                Reflect::get(&coords, &name.into())
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            match (read("longitude"), read("latitude")) {
                (Some(lon), Some(lat)) => {
                    point.set(Some(hotline_domain::gps_to_map_frame(Coordinates {
                        lon,
                        lat,
                    })))
                }
                _ => problem.set(Some("location")),
            }
        });
        let failed = Closure::once_into_js(move |_: JsValue| problem.set(Some("location")));
        let get = Reflect::get(&geolocation, &"getCurrentPosition".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        let asked = get.map(|get| {
            get.call3(
                &geolocation,
                &found,
                &failed,
                &options(&[
                    ("enableHighAccuracy", true.into()),
                    ("timeout", 15_000.into()),
                ]),
            )
        });
        if !matches!(asked, Some(Ok(_))) {
            problem.set(Some("location"));
        }
    }
}
