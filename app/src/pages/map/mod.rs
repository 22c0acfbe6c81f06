//! The service map for dispatchers, agents and care coordinators (SPEC G1, G2): Xianyang's
//! district outlines as the base layer (no tile server, no request leaves the site), the
//! layers a person may see (vendors by status, skilled individuals, volunteers, the elderly
//! for those who keep their registry), drawn from `GET /api/v1/map` for the view only, and
//! a click on the map asking `GET /api/v1/providers/nearest` who nearby offers a service.
//!
//! The server renders the page's frame (title, layer switches, the search form); the map
//! itself is drawn in the browser by [`browser`] over Leaflet ([`leaflet`]), loaded only on
//! this page.

use hotline_domain::{Coordinates, MapLayer, NearbyProvider, StaffUser};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{current_user, load_staff_form_options};
use crate::i18n::{tr, use_lang};

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "hydrate")]
mod leaflet;

/// The radii a dispatcher picks from, in metres.
const RADII: [u32; 5] = [1_000, 2_000, 5_000, 10_000, 20_000];

/// What the page and the map share: every field is a signal (`Copy`), set by the map's
/// controller and read by the page, or the other way round.
#[derive(Clone, Copy)]
pub(crate) struct MapUi {
    /// Which layers are switched on, in `MapLayer::ALL` order.
    pub shown: [RwSignal<bool>; 4],
    /// What each layer shows in the view: how many, and whether points were left out.
    pub figures: [RwSignal<Option<(u64, bool)>>; 4],
    /// The point last clicked: where the nearest providers are looked for.
    pub point: RwSignal<Option<Coordinates>>,
    pub category: RwSignal<String>,
    pub radius_m: RwSignal<u32>,
    /// The nearest providers to the point, or why there are none.
    pub nearest: RwSignal<Option<Result<Vec<NearbyProvider>, String>>>,
    /// The service the shown answer is for (browser tests wait for it).
    pub answered: RwSignal<String>,
    /// A provider of the list to bring into view.
    pub focus: RwSignal<Option<Coordinates>>,
    /// Counts the views asked for and the views drawn: equal when the map shows what was
    /// asked (browser tests wait for it).
    pub view_seq: RwSignal<u32>,
    pub drawn_seq: RwSignal<u32>,
    /// Why the map could not be drawn.
    pub failure: RwSignal<Option<String>>,
}

impl MapUi {
    fn new() -> MapUi {
        MapUi {
            shown: [
                RwSignal::new(true),
                RwSignal::new(false),
                RwSignal::new(false),
                RwSignal::new(false),
            ],
            figures: std::array::from_fn(|_| RwSignal::new(None)),
            point: RwSignal::new(None),
            category: RwSignal::new(String::new()),
            radius_m: RwSignal::new(hotline_domain::places::NEAREST_RADIUS_DEFAULT_M),
            nearest: RwSignal::new(None),
            answered: RwSignal::new(String::new()),
            focus: RwSignal::new(None),
            view_seq: RwSignal::new(0),
            drawn_seq: RwSignal::new(0),
            failure: RwSignal::new(None),
        }
    }
}

/// The index of a layer in [`MapUi`]'s arrays.
pub(crate) fn layer_index(layer: MapLayer) -> usize {
    MapLayer::ALL
        .iter()
        .position(|l| *l == layer)
        .unwrap_or_default()
}

#[component]
pub fn MapPage() -> impl IntoView {
    let lang = use_lang();
    let ui = MapUi::new();
    let holder = NodeRef::<leptos::html::Div>::new();

    #[cfg(feature = "hydrate")]
    browser::start(ui, holder, lang);
    #[cfg(not(feature = "hydrate"))]
    let _ = holder;

    view! {
        <Title text=tr!(lang, map.title) />
        <section class="panel wide map-page">
            <h1>{tr!(lang, map.title)}</h1>
            <p class="hint">{tr!(lang, map.intro)}</p>
            <div class="map-layout">
                <div class="map-main">
                    <LayerSwitches ui />
                    <div class="map-holder" node_ref=holder data-testid="map"
                        data-view-seq=move || ui.view_seq.get().to_string()
                        data-drawn-seq=move || ui.drawn_seq.get().to_string()
                        role="region" aria-label=tr!(lang, map.title)>
                        <p class="map-loading">{tr!(lang, map.loading)}</p>
                    </div>
                    {move || ui.failure.get().map(|e| view! {
                        <p class="alert" role="alert" data-testid="map-failure">{tr!(lang, map.failed)}{e}</p>
                    })}
                </div>
                <NearestPanel ui />
            </div>
        </section>
    }
}

/// One switch per layer the person may see, with what the layer shows in the view.
#[component]
fn LayerSwitches(ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <fieldset class="map-layers" data-testid="map-layers">
            <legend>{tr!(lang, map.layers)}</legend>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user: Option<StaffUser> = user.await.ok().flatten();
                    MapLayer::ALL
                        .iter()
                        .copied()
                        .filter(|l| user.as_ref().is_some_and(|u| l.shown_to(u)))
                        .map(|layer| view! { <LayerSwitch ui layer /> })
                        .collect_view()
                })}
            </Suspense>
        </fieldset>
    }
}

#[component]
fn LayerSwitch(ui: MapUi, layer: MapLayer) -> impl IntoView {
    let lang = use_lang();
    let i = layer_index(layer);
    let shown = ui.shown[i];
    let figure = ui.figures[i];
    let id = format!("layer-{}", layer.as_code());
    let label_for = id.clone();
    view! {
        <label class=format!("map-layer layer-{}", layer.as_code()) for=label_for>
            <input type="checkbox" id=id data-testid=format!("layer-{}", layer.as_code())
                checked=shown.get_untracked()
                prop:checked=move || shown.get()
                on:change=move |ev| shown.set(event_target_checked(&ev)) />
            <span class="swatch" aria-hidden="true"></span>
            {layer.label(lang)}
            <span class="layer-figure" data-testid=format!("figure-{}", layer.as_code())>
                {move || match (shown.get(), figure.get()) {
                    (true, Some((n, truncated))) => format!(" {n}{}", if truncated { "+" } else { "" }),
                    _ => String::new(),
                }}
            </span>
        </label>
    }
}

/// The nearest-provider search: a service, a radius, and the point clicked on the map.
#[component]
fn NearestPanel(ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    let options = Resource::new(|| (), |_| load_staff_form_options());
    view! {
        <aside class="map-side" aria-labelledby="nearest-title" data-testid="nearest-panel">
            <h2 id="nearest-title">{tr!(lang, map.nearest)}</h2>
            <div class="field">
                <label for="n-category">{tr!(lang, map.service)}</label>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let categories = options.await.map(|o| o.categories).unwrap_or_default();
                        view! {
                            <select id="n-category" data-testid="nearest-category"
                                on:change=move |ev| ui.category.set(event_target_value(&ev))>
                                <option value="">{tr!(lang, common.choose)}</option>
                                {categories.iter().filter(|c| c.level == 1).map(|major| view! {
                                    <optgroup label=major.name(lang).to_string()>
                                        <option value=major.code.clone()>{tr!(lang, map.all_of, name = major.name(lang))}</option>
                                        {categories.iter()
                                            .filter(|c| c.level == 2 && c.code.starts_with(&major.code))
                                            .map(|c| view! { <option value=c.code.clone()>{c.name(lang).to_string()}</option> })
                                            .collect_view()}
                                    </optgroup>
                                }).collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
            </div>
            <div class="field">
                <label for="n-radius">{tr!(lang, map.radius)}</label>
                <select id="n-radius" data-testid="nearest-radius"
                    on:change=move |ev| {
                        if let Ok(r) = event_target_value(&ev).parse() {
                            ui.radius_m.set(r);
                        }
                    }>
                    {RADII.iter().map(|r| view! {
                        <option value=r.to_string() selected=move || ui.radius_m.get() == *r>{distance(*r)}</option>
                    }).collect_view()}
                </select>
            </div>
            <p class="hint" data-testid="nearest-point">
                {move || match ui.point.get() {
                    None => tr!(lang, map.pick_point).to_string(),
                    Some(p) => tr!(lang, map.point_at, lon = format!("{:.5}", p.lon), lat = format!("{:.5}", p.lat)),
                }}
            </p>
            <div role="status" aria-live="polite" data-testid="nearest-answer"
                data-category=move || ui.answered.get()>
                {move || match ui.nearest.get() {
                    None if ui.point.get().is_some() && ui.category.get().is_empty() => {
                        Some(view! { <p class="hint">{tr!(lang, map.pick_service)}</p> }.into_any())
                    }
                    None => None,
                    Some(Err(e)) => Some(view! { <p class="alert" data-testid="nearest-error">{e}</p> }.into_any()),
                    Some(Ok(list)) if list.is_empty() => {
                        Some(view! { <p data-testid="nearest-none">{tr!(lang, map.none_found)}</p> }.into_any())
                    }
                    Some(Ok(list)) => Some(view! { <NearestList list ui /> }.into_any()),
                }}
            </div>
        </aside>
    }
}

#[component]
fn NearestList(list: Vec<NearbyProvider>, ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ol class="nearest-list" data-testid="nearest-list">
            {list.into_iter().enumerate().map(|(i, p)| {
                let at = p.position;
                let rating = match p.rating {
                    Some(r) => tr!(lang, map.rating, score = format!("{r:.1}"), count = p.rated.to_string()),
                    None => tr!(lang, map.not_rated).to_string(),
                };
                view! {
                    <li data-testid="nearest-item" data-kind=p.kind.as_code() data-id=p.id.to_string()>
                        <span class="rank" aria-hidden="true">{(i + 1).to_string()}</span>
                        <div>
                            <strong>{p.name.clone()}</strong>
                            <span class="badge">{p.kind.label(lang)}</span>
                            <div class="facts-line">
                                <span data-testid="nearest-distance">{distance(p.distance_m)}</span>
                                " · " {rating}
                                " · " {tr!(lang, map.open_orders, count = p.open_orders.to_string())}
                            </div>
                            <div class="facts-line">
                                {p.district_name.clone()} " · "
                                <a class="mono" href=format!("tel:{}", p.phone)>{p.phone.clone()}</a>
                                " · "
                                <button type="button" class="text-button" on:click=move |_| ui.focus.set(Some(at))>
                                    {tr!(lang, map.show_on_map)}
                                </button>
                            </div>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// `850 m`, `1.2 km`, `5 km`.
pub(crate) fn distance(metres: u32) -> String {
    if metres < 1_000 {
        format!("{metres} m")
    } else if metres.is_multiple_of(1_000) {
        format!("{} km", metres / 1_000)
    } else {
        format!("{:.1} km", f64::from(metres) / 1_000.0)
    }
}
