//! The service map for dispatchers, agents and care coordinators (SPEC G1, G2): Xianyang's
//! district outlines as the base layer (no tile server, no request leaves the site), the
//! layers a person may see (vendors by status, skilled individuals, volunteers, the elderly
//! for those who keep their registry), drawn from `GET /api/v1/map` for the view only, and
//! a click on the map asking `GET /api/v1/providers/nearest` who nearby offers a service.
//!
//! The server renders the page's frame (title, layer switches, the search form); the map
//! itself is drawn in the browser by [`browser`] over Leaflet ([`leaflet`]), loaded only on
//! this page.

use hotline_domain::flow::ActionKind;
use hotline_domain::{
    Assignee, CaseAction, CaseDetail, Coordinates, MapLayer, NearbyProvider, ProviderKind,
    StaffUser,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{
    case_action, current_user, get_case, load_staff_form_options, move_place, ActOutcome,
    FormOutcome, MoveOutcome,
};
use crate::i18n::{tr, use_lang};

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "hydrate")]
pub(crate) mod leaflet;

/// The radii a dispatcher picks from, in metres.
const RADII: [u32; 5] = [1_000, 2_000, 5_000, 10_000, 20_000];

/// The provider's name and the answer to dispatching the case to them.
pub(crate) type Dispatched = (String, Result<ActOutcome, ServerFnError>);

/// A record whose marker is being dragged to where it really is (SPEC G3).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MoveDraft {
    pub layer: MapLayer,
    pub id: i64,
    pub name: String,
    pub from: Coordinates,
    /// Where the marker is now (dragged, or typed in the panel).
    pub to: Coordinates,
}

/// The name of the record moved and the answer to saving its position.
pub(crate) type Moved = (String, Result<MoveOutcome, ServerFnError>);

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
    /// The map is drawn and listening (set once, by the controller).
    pub ready: RwSignal<bool>,
    /// The case being dispatched from the map (`/map?case=…`), when it may be dispatched.
    pub case: RwSignal<Option<String>>,
    /// Dispatching that case to a provider of the list: (case, to whom, their name), and
    /// the answer with that name.
    pub dispatch: Action<(String, Assignee, String), Dispatched>,
    /// Which layers' records this person may move, in `MapLayer::ALL` order.
    pub movable: RwSignal<[bool; 4]>,
    /// Whose records this person may open (a card links to them only then).
    pub readable: RwSignal<[bool; 4]>,
    /// The record being moved, while its marker is out.
    pub moving: RwSignal<Option<MoveDraft>>,
    /// Saving a moved record's position.
    pub save_move: Action<MoveDraft, Moved>,
    /// Bumped when a record has moved: the map asks for its layers again.
    pub redraw: RwSignal<u32>,
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
            ready: RwSignal::new(false),
            case: RwSignal::new(None),
            dispatch: Action::new(|(number, to, name): &(String, Assignee, String)| {
                let (number, to, name) = (number.clone(), *to, name.clone());
                async move {
                    let action = CaseAction::Dispatch {
                        to: vec![to],
                        note: String::new(),
                        limit: None,
                    };
                    (name, case_action(number, action).await)
                }
            }),
            movable: RwSignal::new([false; 4]),
            readable: RwSignal::new([false; 4]),
            moving: RwSignal::new(None),
            save_move: Action::new(|draft: &MoveDraft| {
                let draft = draft.clone();
                async move {
                    let position = hotline_domain::PositionInput {
                        lon: Some(draft.to.lon),
                        lat: Some(draft.to.lat),
                    };
                    let answer =
                        move_place(draft.layer.as_code().to_string(), draft.id, position).await;
                    (draft.name, answer)
                }
            }),
            redraw: RwSignal::new(0),
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
    let query = use_query_map();
    let case_number = move || {
        query
            .with(|q| q.get("case"))
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
    };
    let case = Resource::new(case_number, |number| async move {
        match number {
            Some(number) => get_case(number).await,
            None => Ok(None),
        }
    });
    // A case to dispatch: look around where it is, for its category (once; the dispatcher
    // may then click elsewhere or choose another service).
    Effect::new(move |applied: Option<bool>| {
        if applied == Some(true) {
            return true;
        }
        let Some(Ok(Some(detail))) = case.get() else {
            return false;
        };
        if detail.actions.contains(&ActionKind::Dispatch) {
            ui.case.set(Some(detail.item.tracking_number.to_string()));
        }
        ui.category.set(detail.category_code.clone());
        if let Some(at) = detail.position {
            ui.point.set(Some(at));
        }
        true
    });

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
                        data-ready=move || ui.ready.get().to_string()
                        role="region" aria-label=tr!(lang, map.title)>
                        <p class="map-loading">{tr!(lang, map.loading)}</p>
                    </div>
                    {move || ui.failure.get().map(|e| view! {
                        <p class="alert" role="alert" data-testid="map-failure">{tr!(lang, map.failed)}{e}</p>
                    })}
                </div>
                // Type-erased: the page's view type is otherwise too deep for the server's
                // async rendering (the compiler's recursion limit).
                {view! {
                    <div class="map-side">
                        {move || case_number().map(|_| view! { <CaseBanner case /> })}
                        <MovePanel ui />
                        <NearestPanel ui />
                    </div>
                }.into_any()}
            </div>
        </section>
    }
}

/// One switch per layer the person may see, with what the layer shows in the view.
#[component]
fn LayerSwitches(ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| current_user());
    // Whose records this person may move (the map offers it on their cards).
    Effect::new(move |_| {
        if let Some(Ok(Some(u))) = user.get() {
            ui.movable
                .set(std::array::from_fn(|i| MapLayer::ALL[i].moved_by(&u)));
            ui.readable.set(std::array::from_fn(|i| {
                MapLayer::ALL[i].records_read_by(&u)
            }));
        }
    });
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

/// Moving a record (SPEC G3): its marker is dragged on the map, or its numbers typed here;
/// saved, it is audited and the map drawn again.
#[component]
fn MovePanel(ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    let who = Memo::new(move |_| {
        ui.moving
            .with(|m| m.as_ref().map(|d| (d.layer, d.id, d.name.clone())))
    });
    let value = ui.save_move.value();
    let pending = ui.save_move.pending();
    Effect::new(move |_| {
        if let Some((_, Ok(FormOutcome::Done(_)))) = value.get() {
            ui.moving.set(None);
            ui.redraw.update(|n| *n += 1);
        }
    });
    let coordinate = move |lat: bool| {
        move || {
            ui.moving.with(|m| {
                m.as_ref()
                    .map(|d| format!("{:.6}", if lat { d.to.lat } else { d.to.lon }))
                    .unwrap_or_default()
            })
        }
    };
    let typed = move |lat: bool, text: String| {
        if let Ok(v) = text.trim().parse::<f64>() {
            ui.moving.update(|m| {
                if let Some(d) = m {
                    if lat {
                        d.to.lat = v;
                    } else {
                        d.to.lon = v;
                    }
                }
            });
        }
    };
    let problem = move |field: &'static str| {
        move || {
            value.with(|v| match v {
                Some((_, Ok(FormOutcome::Invalid(e)))) => e.get(field).map(|p| p.message(lang)),
                _ => None,
            })
        }
    };
    view! {
        {move || who.get().map(|(layer, _, name)| view! {
            <section class="map-move" aria-labelledby="move-title" data-testid="map-move">
                <h2 id="move-title">{tr!(lang, map.move_title, name = name)}</h2>
                <p class="hint">{tr!(lang, map.move_hint, layer = layer.label(lang))}</p>
                <div class="map-move-fields">
                    <div class="field">
                        <label for="move-lon">{tr!(lang, map.longitude)}</label>
                        <input id="move-lon" type="number" step="0.000001" inputmode="decimal"
                            data-testid="move-lon" aria-describedby="e-move-lon"
                            prop:value=coordinate(false)
                            on:change=move |ev| typed(false, event_target_value(&ev)) />
                        <p class="field-error" id="e-move-lon" role="alert">{problem("lon")}</p>
                    </div>
                    <div class="field">
                        <label for="move-lat">{tr!(lang, map.latitude)}</label>
                        <input id="move-lat" type="number" step="0.000001" inputmode="decimal"
                            data-testid="move-lat" aria-describedby="e-move-lat"
                            prop:value=coordinate(true)
                            on:change=move |ev| typed(true, event_target_value(&ev)) />
                        <p class="field-error" id="e-move-lat" role="alert">{problem("lat")}</p>
                    </div>
                </div>
                <div class="actions">
                    <button type="button" class="button small" data-testid="move-save"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            if let Some(draft) = ui.moving.get_untracked() {
                                ui.save_move.dispatch(draft);
                            }
                        }>
                        {tr!(lang, map.move_save)}
                    </button>
                    <button type="button" class="text-button" data-testid="move-cancel"
                        on:click=move |_| ui.moving.set(None)>
                        {tr!(lang, common.cancel)}
                    </button>
                </div>
            </section>
        })}
        <div role="status" aria-live="polite" data-testid="move-status">
            {move || value.get().and_then(|(name, outcome)| match outcome {
                Ok(FormOutcome::Done(_)) => Some(view! {
                    <p class="notice ok" data-testid="moved">{tr!(lang, map.moved, name = name)}</p>
                }.into_any()),
                Ok(FormOutcome::Invalid(_)) => None,
                Ok(FormOutcome::Refused(message)) => Some(view! { <p class="alert">{message}</p> }.into_any()),
                Err(e) => Some(view! { <p class="alert">{e.to_string()}</p> }.into_any()),
            })}
        </div>
    }
}

/// The nearest-provider search: a service, a radius, and the point clicked on the map.
#[component]
fn NearestPanel(ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    let options = Resource::new(|| (), |_| load_staff_form_options());
    view! {
        <section aria-labelledby="nearest-title" data-testid="nearest-panel">
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
                                        <option value=major.code.clone() selected={let code = major.code.clone(); move || ui.category.get() == code}>
                                            {tr!(lang, map.all_of, name = major.name(lang))}
                                        </option>
                                        {categories.iter()
                                            .filter(|c| c.level == 2 && c.code.starts_with(&major.code))
                                            .map(|c| {
                                                let code = c.code.clone();
                                                view! {
                                                    <option value=c.code.clone() selected=move || ui.category.get() == code>
                                                        {c.name(lang).to_string()}
                                                    </option>
                                                }
                                            })
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
            <DispatchStatus ui />
        </section>
    }
}

/// The case being dispatched from the map: its number, service and place, and the way
/// back to it.
#[component]
fn CaseBanner(case: Resource<Result<Option<CaseDetail>, ServerFnError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match case.await {
                    Err(e) => view! { <crate::pages::common::LoadError error=e /> }.into_any(),
                    Ok(None) => view! { <p class="alert" role="alert">{tr!(lang, map.no_such_case)}</p> }.into_any(),
                    Ok(Some(d)) => {
                        let number = d.item.tracking_number.to_string();
                        let place = [d.item.district_name.clone(), d.address.clone()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" ");
                        view! {
                            <div class="map-case" data-testid="map-case">
                                <h2>{tr!(lang, map.for_case, number = number.clone())}</h2>
                                <p>{tr!(lang, map.case_place, category = lang.pick(&d.item.category_zh, &d.item.category_en), place = place)}</p>
                                {d.position.is_none().then(|| view! { <p class="hint">{tr!(lang, map.no_case_place)}</p> })}
                                <p><a href=format!("/cases/{number}") data-testid="back-to-case">{tr!(lang, map.back_to_case)}</a></p>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn NearestList(list: Vec<NearbyProvider>, ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ol class="nearest-list" data-testid="nearest-list">
            {list.into_iter().enumerate().map(|(i, p)| {
                let at = p.position;
                let (kind, id, name) = (p.kind, p.id, p.name.clone());
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
                            {move || ui.case.get().map(|number| {
                                let to = match kind {
                                    ProviderKind::Vendor => Assignee::Vendor(id),
                                    ProviderKind::Skilled | ProviderKind::Volunteer => Assignee::Provider(id),
                                };
                                let name = name.clone();
                                view! {
                                    <button type="button" class="button small" data-testid="dispatch-here"
                                        disabled=move || ui.dispatch.pending().get()
                                        on:click=move |_| { ui.dispatch.dispatch((number.clone(), to, name.clone())); }>
                                        {tr!(lang, map.dispatch)}
                                    </button>
                                }
                            })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// What came of dispatching the case from the list.
#[component]
fn DispatchStatus(ui: MapUi) -> impl IntoView {
    let lang = use_lang();
    let value = ui.dispatch.value();
    // Once dispatched, the case cannot be dispatched again from here.
    Effect::new(move |_| {
        if let Some((_, Ok(ActOutcome::Done(_)))) = value.get() {
            ui.case.set(None);
        }
    });
    view! {
        <div role="status" aria-live="polite" data-testid="dispatch-status">
            {move || value.get().map(|(name, outcome)| match outcome {
                Ok(ActOutcome::Done(detail)) => {
                    let number = detail.item.tracking_number.to_string();
                    view! {
                        <p class="notice ok" data-testid="dispatched">
                            {tr!(lang, map.dispatched, name = name)}" "
                            <a href=format!("/cases/{number}")>{tr!(lang, map.back_to_case)}</a>
                        </p>
                    }.into_any()
                }
                Ok(ActOutcome::Invalid(errors)) => view! {
                    <p class="alert">{errors.messages(lang).into_values().collect::<Vec<_>>().join(" ")}</p>
                }.into_any(),
                Ok(ActOutcome::Refused(message)) => view! { <p class="alert">{message}</p> }.into_any(),
                Err(e) => view! { <p class="alert">{e.to_string()}</p> }.into_any(),
            })}
        </div>
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
