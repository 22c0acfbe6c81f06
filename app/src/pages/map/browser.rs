//! The map in the browser: loads Leaflet, draws the district outlines, keeps each switched-on
//! layer equal to what the server says the view holds, and shows the nearest providers to
//! the point clicked.
//!
//! Every pan or zoom asks the server again, 60 ms after the map stops moving, for each
//! layer on; a newer view aborts the older requests still running. `view_seq` counts the
//! views asked for and `drawn_seq` the last one fully drawn.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use hotline_domain::{Coordinates, Lang, MapLayer, MapPoint, MapView, NearbyProvider};
use js_sys::{Array, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::leaflet::{self, options, LayerGroup, Map, Marker, MarkerCluster};
use super::{layer_index, MapUi, MoveDraft};
use crate::i18n::tr;

/// Xianyang's centre and the zoom that shows the whole city, before the outlines arrive.
const START: Coordinates = Coordinates {
    lon: 108.71,
    lat: 34.55,
};
const START_ZOOM: f64 = 9.0;
const SETTLE: Duration = Duration::from_millis(60);

/// Starts the map once the page is in the browser; stops it when the page goes.
pub(super) fn start(ui: MapUi, holder: NodeRef<leptos::html::Div>, lang: Lang) {
    let controller: StoredValue<Option<Rc<Controller>>, LocalStorage> =
        StoredValue::new_local(None);
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let Some(element) = holder.get() else {
            return false;
        };
        leptos::task::spawn_local(async move {
            if let Err(e) = leaflet::load().await {
                ui.failure.set(Some(describe(&e)));
                return;
            }
            let element: web_sys::HtmlElement = element.into();
            element.set_inner_html("");
            let map = Controller::new(&element, ui, lang);
            controller.set_value(Some(map.clone()));
            map.draw_districts().await;
            map.refresh();
            ui.ready.set(true);
        });
        true
    });
    // Each switch draws or removes its layer.
    for layer in MapLayer::ALL.iter().copied() {
        let shown = ui.shown[layer_index(layer)];
        Effect::new(move |_| {
            let on = shown.get();
            controller.with_value(|c| {
                if let Some(c) = c {
                    c.switch(layer, on);
                }
            });
        });
    }
    // The nearest providers to the point, for the service and radius chosen.
    Effect::new(move |_| {
        // Asked again once the map is there to mark the answer on.
        ui.ready.track();
        let point = ui.point.get();
        let category = ui.category.get();
        let radius_m = ui.radius_m.get();
        let Some(point) = point else { return };
        controller.with_value(|c| {
            if let Some(c) = c {
                c.mark_point(point, radius_m);
            }
        });
        ui.nearest.set(None);
        ui.answered.set(String::new());
        if category.is_empty() {
            return;
        }
        let c = controller.get_value();
        leptos::task::spawn_local(async move {
            let url = format!(
                "/api/v1/providers/nearest?lon={}&lat={}&category={}&radius_m={radius_m}",
                point.lon,
                point.lat,
                js_sys::encode_uri_component(&category)
            );
            let answer = match get_text(&url, None).await {
                Ok((200, body)) => {
                    serde_json::from_str::<Vec<NearbyProvider>>(&body).map_err(|e| e.to_string())
                }
                Ok((_, body)) => Err(problem_message(&body)),
                Err(e) => Err(describe(&e)),
            };
            // A later click or choice has asked again: this answer is stale.
            if ui.point.get_untracked() != Some(point)
                || ui.category.get_untracked() != category
                || ui.radius_m.get_untracked() != radius_m
            {
                return;
            }
            if let (Some(c), Ok(list)) = (&c, &answer) {
                c.mark_nearest(point, list);
            }
            ui.nearest.set(Some(answer));
            ui.answered.set(category);
        });
    });
    // The marker of a record being moved: out while it is moved, where the panel says.
    Effect::new(move |_| {
        ui.ready.track();
        let draft = ui.moving.get();
        controller.with_value(|c| {
            if let Some(c) = c {
                c.show_move(draft);
            }
        });
    });
    // A record moved: every layer on is asked for again.
    Effect::new(move |seen: Option<u32>| {
        let n = ui.redraw.get();
        if seen.is_some_and(|seen| seen != n) {
            controller.with_value(|c| {
                if let Some(c) = c {
                    c.refresh();
                }
            });
        }
        n
    });
    Effect::new(move |_| {
        if let Some(at) = ui.focus.get() {
            controller.with_value(|c| {
                if let Some(c) = c {
                    c.map
                        .set_view(&leaflet::lat_lon(at), c.map.zoom().max(15.0));
                }
            });
        }
    });
    on_cleanup(move || {
        if let Some(c) = controller.try_get_value().flatten() {
            c.map.remove();
        }
    });
}

type Handler = Closure<dyn FnMut(JsValue)>;

/// Which record (layer, id) a dragged marker stands for, the marker and its drag handler.
type MovingMarker = ((MapLayer, i64), Marker, Handler);

/// One layer's drawing: counts per square when zoomed out, clustered points when zoomed
/// in, and the request for it still running.
struct LayerDrawing {
    counts: LayerGroup,
    points: LayerGroup,
    /// The points drawn, by the index each marker carries, for its popup.
    shown: RefCell<Vec<MapPoint>>,
    running: RefCell<Option<web_sys::AbortController>>,
}

struct Controller {
    map: Map,
    ui: MapUi,
    lang: Lang,
    layers: Vec<LayerDrawing>,
    /// The clicked point, the radius around it and the nearest providers, numbered.
    nearest: LayerGroup,
    settle: RefCell<Option<TimeoutHandle>>,
    /// Requests still running for the current view.
    running: Cell<u32>,
    /// The marker of the record being moved, which record it is, and its drag handler.
    moving: RefCell<Option<MovingMarker>>,
    /// The open card's button handler (one card is open at a time).
    card_handler: RefCell<Option<Handler>>,
    /// Event handlers and the cluster icons' function, alive as long as the map.
    _handlers: RefCell<Vec<Handler>>,
    _icons: Vec<Closure<dyn Fn(MarkerCluster) -> JsValue>>,
}

impl Controller {
    fn new(element: &web_sys::HtmlElement, ui: MapUi, lang: Lang) -> Rc<Controller> {
        let map = leaflet::new_map(
            element,
            &options(&[
                ("minZoom", 7.into()),
                (
                    "maxZoom",
                    f64::from(hotline_domain::places::MAP_ZOOM_MAX).into(),
                ),
                ("attributionControl", false.into()),
            ]),
        );
        map.set_view(&leaflet::lat_lon(START), START_ZOOM);
        let mut icons = Vec::new();
        let layers = MapLayer::ALL
            .iter()
            .map(|layer| {
                let code = layer.as_code();
                let icon = Closure::<dyn Fn(MarkerCluster) -> JsValue>::new(
                    move |cluster: MarkerCluster| {
                        count_icon(code, u64::from(cluster.child_count()), lang)
                    },
                );
                let points = leaflet::marker_cluster_group(&options(&[
                    ("showCoverageOnHover", false.into()),
                    ("maxClusterRadius", 50.into()),
                    ("chunkedLoading", true.into()),
                    ("iconCreateFunction", icon.as_ref().clone()),
                ]));
                icons.push(icon);
                LayerDrawing {
                    counts: leaflet::feature_group(),
                    points,
                    shown: RefCell::new(Vec::new()),
                    running: RefCell::new(None),
                }
            })
            .collect();
        let nearest = leaflet::layer_group();
        map.add_layer(&nearest);
        let controller = Rc::new(Controller {
            map,
            ui,
            lang,
            layers,
            nearest,
            settle: RefCell::new(None),
            running: Cell::new(0),
            moving: RefCell::new(None),
            card_handler: RefCell::new(None),
            _handlers: RefCell::new(Vec::new()),
            _icons: icons,
        });
        controller.listen();
        controller
    }

    fn listen(self: &Rc<Self>) {
        let mut handlers = Vec::new();
        let weak = Rc::downgrade(self);
        let moved = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(c) = weak.upgrade() {
                c.refresh();
            }
        });
        self.map.on("moveend", moved.as_ref().unchecked_ref());
        handlers.push(moved);
        let ui = self.ui;
        let clicked = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(at) = leaflet::event_position(&event) {
                ui.point.set(Some(at));
            }
        });
        self.map.on("click", clicked.as_ref().unchecked_ref());
        handlers.push(clicked);
        for (i, drawing) in self.layers.iter().enumerate() {
            // A count square zooms in on itself.
            let weak = Rc::downgrade(self);
            let zoom_in = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let (Some(c), Some(at)) = (weak.upgrade(), leaflet::event_position(&event)) {
                    c.map.set_view(&leaflet::lat_lon(at), c.map.zoom() + 2.0);
                }
            });
            drawing.counts.on("click", zoom_in.as_ref().unchecked_ref());
            handlers.push(zoom_in);
            // A point opens its card.
            let weak = Rc::downgrade(self);
            let layer = MapLayer::ALL[i];
            let open = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let Some(c) = weak.upgrade() {
                    c.open_point(layer, &event);
                }
            });
            drawing.points.on("click", open.as_ref().unchecked_ref());
            handlers.push(open);
        }
        *self._handlers.borrow_mut() = handlers;
    }

    /// The district outlines with their names, and the view fitted to them.
    async fn draw_districts(&self) {
        let data = match get_json("/api/v1/map/districts").await {
            Ok(data) => data,
            Err(e) => {
                self.ui.failure.set(Some(describe(&e)));
                return;
            }
        };
        let outlines = leaflet::district_outlines(&data, 0.85);
        self.map.add_layer(&outlines);
        let labels = leaflet::district_labels(&data);
        self.map.add_layer(&labels);
        // At once, not animated: the layers are first asked for the fitted view.
        self.map.fit_bounds_with(
            &outlines_bounds(&outlines),
            &options(&[("animate", false.into())]),
        );
    }

    /// Asks again for every layer on, once the map has settled.
    fn refresh(self: &Rc<Self>) {
        self.ui.view_seq.update(|n| *n += 1);
        if let Some(pending) = self.settle.borrow_mut().take() {
            pending.clear();
        }
        let weak = Rc::downgrade(self);
        let handle = set_timeout_with_handle(
            move || {
                if let Some(c) = weak.upgrade() {
                    c.settle.borrow_mut().take();
                    for layer in MapLayer::ALL.iter().copied() {
                        if c.ui.shown[layer_index(layer)].get_untracked() {
                            c.load(layer);
                        }
                    }
                    c.check_drawn();
                }
            },
            SETTLE,
        )
        .ok();
        *self.settle.borrow_mut() = handle;
    }

    /// A switch turned a layer on or off.
    fn switch(self: &Rc<Self>, layer: MapLayer, on: bool) {
        let drawing = &self.layers[layer_index(layer)];
        if on {
            self.ui.view_seq.update(|n| *n += 1);
            self.load(layer);
        } else {
            if let Some(running) = drawing.running.borrow_mut().take() {
                running.abort();
            }
            self.map.remove_layer(&drawing.counts);
            self.map.remove_layer(&drawing.points);
            self.ui.figures[layer_index(layer)].set(None);
            self.check_drawn();
        }
    }

    /// Asks the server for one layer in the current view and draws the answer.
    fn load(self: &Rc<Self>, layer: MapLayer) {
        let drawing = &self.layers[layer_index(layer)];
        if let Some(older) = drawing.running.borrow_mut().take() {
            older.abort();
        }
        let Ok(abort) = web_sys::AbortController::new() else {
            return;
        };
        let signal = abort.signal();
        *drawing.running.borrow_mut() = Some(abort);
        let b = self.map.bounds();
        let url = format!(
            "/api/v1/map?layer={}&bbox={:.6},{:.6},{:.6},{:.6}&zoom={}",
            layer.as_code(),
            b.west().max(-180.0),
            b.south().max(-90.0),
            b.east().min(180.0),
            b.north().min(90.0),
            self.map.zoom().round().clamp(0.0, 19.0) as u8,
        );
        self.running.set(self.running.get() + 1);
        let this = self.clone();
        leptos::task::spawn_local(async move {
            let answer = get_text(&url, Some(&signal)).await;
            this.running.set(this.running.get().saturating_sub(1));
            if !signal.aborted() && this.ui.shown[layer_index(layer)].get_untracked() {
                match answer {
                    Ok((200, body)) => match serde_json::from_str::<MapView>(&body) {
                        Ok(view) => this.draw(layer, view),
                        Err(e) => this.ui.failure.set(Some(e.to_string())),
                    },
                    Ok((_, body)) => this.ui.failure.set(Some(problem_message(&body))),
                    Err(e) => this.ui.failure.set(Some(describe(&e))),
                }
            }
            this.check_drawn();
        });
    }

    /// The view is drawn when nothing is waiting to settle and no request is running.
    fn check_drawn(&self) {
        if self.running.get() == 0 && self.settle.borrow().is_none() {
            self.ui.drawn_seq.set(self.ui.view_seq.get_untracked());
        }
    }

    fn draw(&self, layer: MapLayer, view: MapView) {
        let i = layer_index(layer);
        let drawing = &self.layers[i];
        drawing.counts.clear();
        drawing.points.clear();
        if view.level.is_some() {
            self.map.remove_layer(&drawing.points);
            let total: u64 = view.cells.iter().map(|c| u64::from(c.count)).sum();
            for cell in &view.cells {
                let marker = leaflet::marker(
                    &leaflet::lat_lon(cell.position),
                    &options(&[
                        (
                            "icon",
                            count_icon(layer.as_code(), u64::from(cell.count), self.lang),
                        ),
                        ("keyboard", false.into()),
                        (
                            "title",
                            format!("{} {}", cell.count, layer.label(self.lang)).into(),
                        ),
                    ]),
                );
                drawing.counts.add(&marker);
            }
            self.map.add_layer(&drawing.counts);
            self.ui.figures[i].set(Some((total, false)));
            drawing.shown.borrow_mut().clear();
        } else {
            self.map.remove_layer(&drawing.counts);
            let markers = Array::new();
            for (n, point) in view.points.iter().enumerate() {
                let (fill, class) = point_style(layer, point.status.as_deref());
                markers.push(&leaflet::circle_marker(
                    &leaflet::lat_lon(point.position),
                    &options(&[
                        ("radius", 7.into()),
                        ("color", "#ffffff".into()),
                        ("weight", 1.5.into()),
                        ("fillColor", fill.into()),
                        ("fillOpacity", 0.95.into()),
                        (
                            "className",
                            format!("map-point layer-{} {class}", layer.as_code()).into(),
                        ),
                        ("pointIndex", (n as u32).into()),
                    ]),
                ));
            }
            drawing.points.add_all(&markers);
            self.map.add_layer(&drawing.points);
            self.ui.figures[i].set(Some((view.points.len() as u64, view.truncated)));
            *drawing.shown.borrow_mut() = view.points;
        }
    }

    /// The card of a point clicked: its name, status and a link to its record; for those
    /// who may, a button to move it.
    fn open_point(self: &Rc<Self>, layer: MapLayer, event: &JsValue) {
        let index = Reflect::get(event, &"layer".into())
            .and_then(|marker| Reflect::get(&marker, &"options".into()))
            .and_then(|o| Reflect::get(&o, &"pointIndex".into()))
            .ok()
            .and_then(|i| i.as_f64());
        let Some(index) = index else { return };
        let shown = self.layers[layer_index(layer)].shown.borrow();
        let Some(point) = shown.get(index as usize) else {
            return;
        };
        let readable = self.ui.readable.get_untracked()[layer_index(layer)];
        let Some(card) = point_card(layer, point, self.lang, readable) else {
            return;
        };
        if self.ui.movable.get_untracked()[layer_index(layer)] {
            self.offer_move(&card, layer, point);
        }
        leaflet::popup(&options(&[]))
            .set_lat_lng(&leaflet::lat_lon(point.position))
            .set_content(&card)
            .open_on(&self.map);
    }

    /// The card's "correct the position" button: takes the record out as a draggable marker.
    fn offer_move(self: &Rc<Self>, card: &web_sys::Element, layer: MapLayer, point: &MapPoint) {
        let Some(button) = text_element("button", tr!(self.lang, map.move_start)) else {
            return;
        };
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("class", "text-button");
        let _ = button.set_attribute("data-testid", "move-start");
        let draft = MoveDraft {
            layer,
            id: point.id,
            name: point.name.clone(),
            from: point.position,
            to: point.position,
        };
        let weak = Rc::downgrade(self);
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(c) = weak.upgrade() {
                c.map.close_popup();
                c.ui.save_move.value().set(None);
                c.ui.moving.set(Some(draft.clone()));
            }
        });
        let _ = button.add_event_listener_with_callback("click", handler.as_ref().unchecked_ref());
        let _ = card.append_child(&button);
        *self.card_handler.borrow_mut() = Some(handler);
    }

    /// The marker of the record being moved: added, moved to typed numbers, or removed.
    fn show_move(&self, draft: Option<MoveDraft>) {
        let mut moving = self.moving.borrow_mut();
        let Some(draft) = draft else {
            if let Some((_, marker, _)) = moving.take() {
                self.map.remove_layer(&marker);
            }
            return;
        };
        if let Some((key, marker, _)) = moving.as_ref() {
            if *key == (draft.layer, draft.id) {
                if leaflet::position(&marker.lat_lng()) != Some(draft.to) {
                    marker.move_to(&leaflet::lat_lon(draft.to));
                }
                return;
            }
            self.map.remove_layer(marker);
        }
        let icon = leaflet::div_icon(&options(&[
            ("className", "map-drag".into()),
            ("iconSize", Array::of2(&30.into(), &30.into()).into()),
        ]));
        let marker = leaflet::movable_marker(
            &leaflet::lat_lon(draft.to),
            &options(&[
                ("icon", icon),
                ("draggable", true.into()),
                ("autoPan", true.into()),
                ("title", draft.name.clone().into()),
                ("zIndexOffset", 2000.into()),
            ]),
        );
        let ui = self.ui;
        let dragged = marker.clone();
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(at) = leaflet::position(&dragged.lat_lng()) {
                ui.moving.update(|m| {
                    if let Some(m) = m {
                        m.to = at;
                    }
                });
            }
        });
        marker.on("dragend", handler.as_ref().unchecked_ref());
        self.map.add_layer(&marker);
        *moving = Some(((draft.layer, draft.id), marker, handler));
    }

    /// The point searched from and the circle of the radius.
    fn mark_point(&self, at: Coordinates, radius_m: u32) {
        self.nearest.clear();
        self.nearest.add(&leaflet::circle(
            &leaflet::lat_lon(at),
            &options(&[
                ("radius", radius_m.into()),
                ("color", "#c62828".into()),
                ("weight", 1.into()),
                ("dashArray", "4 4".into()),
                ("fillOpacity", 0.04.into()),
                ("interactive", false.into()),
            ]),
        ));
        self.nearest.add(&leaflet::circle_marker(
            &leaflet::lat_lon(at),
            &options(&[
                ("radius", 8.into()),
                ("color", "#c62828".into()),
                ("weight", 3.into()),
                ("fillOpacity", 0.into()),
                ("className", "map-here".into()),
                ("interactive", false.into()),
            ]),
        ));
    }

    /// The nearest providers, numbered as in the list, and the view fitted to them and the
    /// point.
    fn mark_nearest(&self, at: Coordinates, list: &[NearbyProvider]) {
        if list.is_empty() {
            self.map
                .set_view(&leaflet::lat_lon(at), self.map.zoom().max(13.0));
        } else {
            let mut b = hotline_domain::Bounds {
                west: at.lon,
                south: at.lat,
                east: at.lon,
                north: at.lat,
            };
            for p in list {
                b.west = b.west.min(p.position.lon);
                b.south = b.south.min(p.position.lat);
                b.east = b.east.max(p.position.lon);
                b.north = b.north.max(p.position.lat);
            }
            self.map.fit_bounds_with(
                &leaflet::bounds_array(b),
                &options(&[
                    ("padding", Array::of2(&40.into(), &40.into()).into()),
                    ("maxZoom", 16.into()),
                ]),
            );
        }
        for (i, p) in list.iter().enumerate() {
            let icon = leaflet::div_icon(&options(&[
                ("className", "map-rank".into()),
                ("html", format!("<span>{}</span>", i + 1).into()),
                ("iconSize", Array::of2(&24.into(), &24.into()).into()),
            ]));
            let marker = leaflet::marker(
                &leaflet::lat_lon(p.position),
                &options(&[
                    ("icon", icon),
                    ("title", format!("{}. {}", i + 1, p.name).into()),
                    ("zIndexOffset", 1000.into()),
                ]),
            );
            self.nearest.add(&marker);
        }
    }
}

/// The bounds of the outlines, as `[[south, west], [north, east]]`.
fn outlines_bounds(outlines: &leaflet::Layer) -> Array {
    let b = outlines.unchecked_ref::<LayerGroup>().bounds();
    leaflet::bounds_array(hotline_domain::Bounds {
        west: b.west(),
        south: b.south(),
        east: b.east(),
        north: b.north(),
    })
}

/// A round count: the same look for the server's squares and the browser's clusters.
fn count_icon(layer: &str, count: u64, lang: Lang) -> JsValue {
    let size = match count {
        0..=9 => 28,
        10..=99 => 34,
        100..=999 => 40,
        _ => 48,
    };
    let text = match (count, lang) {
        (0..=9_999, _) => count.to_string(),
        (_, Lang::Zh) => format!("{:.1}万", count as f64 / 10_000.0),
        (_, _) => format!("{}k", count / 1_000),
    };
    leaflet::div_icon(&options(&[
        ("className", format!("map-count layer-{layer}").into()),
        ("html", format!("<span>{text}</span>").into()),
        ("iconSize", Array::of2(&size.into(), &size.into()).into()),
    ]))
}

/// A point's fill colour and class: vendors by status, the rest by layer (grey when not
/// working).
fn point_style(layer: MapLayer, status: Option<&str>) -> (&'static str, &'static str) {
    match (layer, status.unwrap_or("active")) {
        (MapLayer::Vendors, "active") => ("#2e7d32", "status-active"),
        (MapLayer::Vendors, "inspection_due") => ("#f9a825", "status-inspection_due"),
        (MapLayer::Vendors, "suspended") => ("#c62828", "status-suspended"),
        (MapLayer::Elderly, _) => ("#ef6c00", "status-active"),
        (_, "paused") | (_, "left") | (_, "exited") => ("#9e9e9e", "status-idle"),
        (MapLayer::Skilled, _) => ("#00838f", "status-active"),
        (MapLayer::Volunteers, _) => ("#6a1b9a", "status-active"),
        (MapLayer::Vendors, _) => ("#9e9e9e", "status-idle"),
    }
}

fn status_label(status: &str, lang: Lang) -> String {
    match status {
        "active" => tr!(lang, map.status_active),
        "inspection_due" => tr!(lang, map.status_inspection_due),
        "suspended" => tr!(lang, map.status_suspended),
        "exited" => tr!(lang, map.status_exited),
        "paused" => tr!(lang, map.status_paused),
        "left" => tr!(lang, map.status_left),
        other => other,
    }
    .to_string()
}

/// A point's card: built from DOM nodes with text content (names are never parsed as HTML);
/// with a link to the record when the reader may open it.
fn point_card(
    layer: MapLayer,
    point: &MapPoint,
    lang: Lang,
    readable: bool,
) -> Option<web_sys::Element> {
    let document = web_sys::window()?.document()?;
    let card = document.create_element("div").ok()?;
    card.set_class_name("map-card");
    card.set_attribute("data-testid", "map-card").ok()?;
    card.set_attribute("data-id", &point.id.to_string()).ok()?;
    let name = text_element("strong", &point.name)?;
    card.append_child(&name).ok()?;
    let mut line = layer.label(lang).to_string();
    if let Some(status) = &point.status {
        line.push_str(" · ");
        line.push_str(&status_label(status, lang));
    }
    let line = text_element("div", &line)?;
    card.append_child(&line).ok()?;
    if readable {
        let link = text_element("a", tr!(lang, map.open_record))?;
        link.set_attribute("href", &layer.record_path(point.id))
            .ok()?;
        link.set_attribute("data-testid", "map-card-record").ok()?;
        card.append_child(&link).ok()?;
    }
    Some(card)
}

fn text_element(tag: &str, text: &str) -> Option<web_sys::Element> {
    let element = web_sys::window()?.document()?.create_element(tag).ok()?;
    element.set_text_content(Some(text));
    Some(element)
}

/// A GET to this site: the status and the body.
async fn get_text(
    url: &str,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<(u16, String), JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_signal(signal);
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    let body = JsFuture::from(response.text()?).await?;
    Ok((response.status(), body.as_string().unwrap_or_default()))
}

async fn get_json(url: &str) -> Result<JsValue, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err(JsValue::from_str(&format!("{url}: {}", response.status())));
    }
    JsFuture::from(response.json()?).await
}

/// The message of an API error answer (`{"error": …, "message": …}`).
fn problem_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}
