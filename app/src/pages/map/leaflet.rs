//! Thin bindings of the parts of Leaflet 1.9 and Leaflet.markercluster 1.5 the map uses, and
//! their loading. Both come from npm, byte for byte, under `public/vendor/` (see its
//! `SOURCES.md`) and are served by this site; a page fetches them the first time it shows a
//! map, so the portal never pays for them. Browser-only.
//!
//! Content that comes from records (names, addresses) is always handed to Leaflet as DOM
//! nodes with text content, never as HTML strings: a tooltip or popup given a string would
//! parse it as HTML.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const LEAFLET: &str = "/vendor/leaflet-1.9.4";
const CLUSTER: &str = "/vendor/leaflet.markercluster-1.5.3";

#[wasm_bindgen]
extern "C" {
    /// `L.Map`.
    #[derive(Clone)]
    pub type Map;
    #[wasm_bindgen(js_namespace = L, js_name = map)]
    pub fn new_map(element: &web_sys::HtmlElement, options: &Object) -> Map;
    #[wasm_bindgen(method, js_name = fitBounds)]
    pub fn fit_bounds_with(this: &Map, bounds: &Array, options: &Object);
    #[wasm_bindgen(method, js_name = setView)]
    pub fn set_view(this: &Map, center: &Array, zoom: f64);
    #[wasm_bindgen(method, js_name = getZoom)]
    pub fn zoom(this: &Map) -> f64;
    #[wasm_bindgen(method, js_name = getBounds)]
    pub fn bounds(this: &Map) -> LatLngBounds;
    #[wasm_bindgen(method, js_name = on)]
    pub fn on(this: &Map, event: &str, handler: &Function);
    #[wasm_bindgen(method, js_name = addLayer)]
    pub fn add_layer(this: &Map, layer: &Layer);
    #[wasm_bindgen(method, js_name = removeLayer)]
    pub fn remove_layer(this: &Map, layer: &Layer);
    #[wasm_bindgen(method, js_name = remove)]
    pub fn remove(this: &Map);
    #[wasm_bindgen(method, js_name = closePopup)]
    pub fn close_popup(this: &Map);

    /// `L.LatLngBounds`.
    pub type LatLngBounds;
    #[wasm_bindgen(method, js_name = getWest)]
    pub fn west(this: &LatLngBounds) -> f64;
    #[wasm_bindgen(method, js_name = getSouth)]
    pub fn south(this: &LatLngBounds) -> f64;
    #[wasm_bindgen(method, js_name = getEast)]
    pub fn east(this: &LatLngBounds) -> f64;
    #[wasm_bindgen(method, js_name = getNorth)]
    pub fn north(this: &LatLngBounds) -> f64;

    /// Any layer (`L.Layer`).
    #[derive(Clone)]
    pub type Layer;
    #[wasm_bindgen(method, js_name = on)]
    pub fn on(this: &Layer, event: &str, handler: &Function);

    /// `L.LayerGroup` (and `L.MarkerClusterGroup`, which adds `addLayers`).
    #[wasm_bindgen(extends = Layer)]
    #[derive(Clone)]
    pub type LayerGroup;
    #[wasm_bindgen(method, js_name = addLayer)]
    pub fn add(this: &LayerGroup, layer: &Layer);
    /// Many markers at once: the cluster group builds its tree in one pass.
    #[wasm_bindgen(method, js_name = addLayers)]
    pub fn add_all(this: &LayerGroup, layers: &Array);
    #[wasm_bindgen(method, js_name = clearLayers)]
    pub fn clear(this: &LayerGroup);
    /// The bounds of a feature group's layers.
    #[wasm_bindgen(method, js_name = getBounds)]
    pub fn bounds(this: &LayerGroup) -> LatLngBounds;

    /// `L.Popup`.
    pub type Popup;
    #[wasm_bindgen(js_namespace = L, js_name = popup)]
    pub fn popup(options: &Object) -> Popup;
    #[wasm_bindgen(method, js_name = setLatLng)]
    pub fn set_lat_lng(this: &Popup, at: &Array) -> Popup;
    #[wasm_bindgen(method, js_name = setContent)]
    pub fn set_content(this: &Popup, content: &web_sys::Element) -> Popup;
    #[wasm_bindgen(method, js_name = openOn)]
    pub fn open_on(this: &Popup, map: &Map) -> Popup;

    /// `L.Marker`, where it must be moved or read back (a dragged marker).
    #[wasm_bindgen(extends = Layer)]
    #[derive(Clone)]
    pub type Marker;
    #[wasm_bindgen(js_namespace = L, js_name = marker)]
    pub fn movable_marker(at: &Array, options: &Object) -> Marker;
    #[wasm_bindgen(method, js_name = getLatLng)]
    pub fn lat_lng(this: &Marker) -> JsValue;
    #[wasm_bindgen(method, js_name = setLatLng)]
    pub fn move_to(this: &Marker, at: &Array) -> Marker;

    /// A cluster the cluster group made.
    pub type MarkerCluster;
    #[wasm_bindgen(method, js_name = getChildCount)]
    pub fn child_count(this: &MarkerCluster) -> u32;

    #[wasm_bindgen(js_namespace = L, js_name = layerGroup)]
    pub fn layer_group() -> LayerGroup;
    /// A layer group whose layers' events reach the group's handlers.
    #[wasm_bindgen(js_namespace = L, js_name = featureGroup)]
    pub fn feature_group() -> LayerGroup;
    #[wasm_bindgen(js_namespace = L, js_name = markerClusterGroup)]
    pub fn marker_cluster_group(options: &Object) -> LayerGroup;
    #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
    pub fn geo_json(data: &JsValue, options: &Object) -> Layer;
    #[wasm_bindgen(js_namespace = L, js_name = circleMarker)]
    pub fn circle_marker(at: &Array, options: &Object) -> Layer;
    /// A circle of a radius in metres.
    #[wasm_bindgen(js_namespace = L, js_name = circle)]
    pub fn circle(at: &Array, options: &Object) -> Layer;
    #[wasm_bindgen(js_namespace = L, js_name = marker)]
    pub fn marker(at: &Array, options: &Object) -> Layer;
    #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
    pub fn div_icon(options: &Object) -> JsValue;
}

/// `[lat, lon]`, the order Leaflet takes.
pub fn lat_lon(p: hotline_domain::Coordinates) -> Array {
    Array::of2(&p.lat.into(), &p.lon.into())
}

/// `[[south, west], [north, east]]`.
pub fn bounds_array(b: hotline_domain::Bounds) -> Array {
    Array::of2(
        &Array::of2(&b.south.into(), &b.west.into()),
        &Array::of2(&b.north.into(), &b.east.into()),
    )
}

/// An options object from name/value pairs.
pub fn options(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (name, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object
}

/// The position of a Leaflet mouse event (`event.latlng`).
pub fn event_position(event: &JsValue) -> Option<hotline_domain::Coordinates> {
    position(&Reflect::get(event, &"latlng".into()).ok()?)
}

/// A `L.LatLng` as coordinates.
pub fn position(at: &JsValue) -> Option<hotline_domain::Coordinates> {
    Some(hotline_domain::Coordinates {
        lat: Reflect::get(at, &"lat".into()).ok()?.as_f64()?,
        lon: Reflect::get(at, &"lng".into()).ok()?.as_f64()?,
    })
}

/// The district outlines of `GET /api/v1/map/districts` as the base layer (no tile server:
/// no request leaves the site); `fill_opacity` of the land between the lines.
pub fn district_outlines(data: &JsValue, fill_opacity: f64) -> Layer {
    geo_json(
        data,
        &options(&[
            ("interactive", false.into()),
            (
                "style",
                options(&[
                    ("color", "#4a6b8a".into()),
                    ("weight", 1.5.into()),
                    ("fillColor", "#f4f1e8".into()),
                    ("fillOpacity", fill_opacity.into()),
                ])
                .into(),
            ),
        ]),
    )
}

/// Each district's name at the centre its feature names, as text (never HTML).
pub fn district_labels(data: &JsValue) -> LayerGroup {
    let labels = layer_group();
    let features = Reflect::get(data, &"features".into()).unwrap_or(JsValue::UNDEFINED);
    let document = web_sys::window().and_then(|w| w.document());
    for feature in Array::from(&features).iter() {
        let properties = Reflect::get(&feature, &"properties".into()).unwrap_or_default();
        let name = Reflect::get(&properties, &"name".into())
            .ok()
            .and_then(|n| n.as_string());
        let center = Array::from(&Reflect::get(&properties, &"center".into()).unwrap_or_default());
        let (Some(name), Some(lon), Some(lat), Some(document)) = (
            name,
            center.get(0).as_f64(),
            center.get(1).as_f64(),
            document.as_ref(),
        ) else {
            continue;
        };
        let Ok(label) = document.create_element("span") else {
            continue;
        };
        label.set_text_content(Some(&name));
        let icon = div_icon(&options(&[
            ("className", "district-label".into()),
            ("html", label.into()),
            ("iconSize", JsValue::NULL),
        ]));
        let marker = marker(
            &lat_lon(hotline_domain::Coordinates { lon, lat }),
            &options(&[
                ("icon", icon),
                ("interactive", false.into()),
                ("keyboard", false.into()),
            ]),
        );
        labels.add(&marker);
    }
    labels
}

thread_local! {
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Loads Leaflet and the cluster plugin (scripts and style sheets) once per page; later
/// calls wait for the same load. A failed load is tried again on the next call.
pub async fn load() -> Result<(), JsValue> {
    let promise = LOADING.with(|loading| {
        loading
            .borrow_mut()
            .get_or_insert_with(|| {
                wasm_bindgen_futures::future_to_promise(async {
                    load_files().await.map(|()| JsValue::UNDEFINED)
                })
            })
            .clone()
    });
    let loaded = JsFuture::from(promise).await.map(|_| ());
    if loaded.is_err() {
        LOADING.with(|loading| loading.borrow_mut().take());
    }
    loaded
}

async fn load_files() -> Result<(), JsValue> {
    stylesheet(&format!("{LEAFLET}/leaflet.css"))?;
    stylesheet(&format!("{CLUSTER}/MarkerCluster.css"))?;
    // The cluster plugin extends `L`, so it runs after Leaflet.
    script(&format!("{LEAFLET}/leaflet.js")).await?;
    script(&format!("{CLUSTER}/leaflet.markercluster.js")).await
}

fn document() -> Result<web_sys::Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

fn stylesheet(href: &str) -> Result<(), JsValue> {
    let document = document()?;
    let selector = format!("link[href=\"{href}\"]");
    if document.query_selector(&selector)?.is_some() {
        return Ok(());
    }
    let link: web_sys::HtmlLinkElement = document.create_element("link")?.dyn_into()?;
    link.set_rel("stylesheet");
    link.set_href(href);
    document
        .head()
        .ok_or_else(|| JsValue::from_str("no head"))?
        .append_child(&link)?;
    Ok(())
}

async fn script(src: &str) -> Result<(), JsValue> {
    let document = document()?;
    let script: web_sys::HtmlScriptElement = document.create_element("script")?.dyn_into()?;
    script.set_src(src);
    let done = Promise::new(&mut |resolve, reject| {
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
    });
    document
        .head()
        .ok_or_else(|| JsValue::from_str("no head"))?
        .append_child(&script)?;
    JsFuture::from(done)
        .await
        .map_err(|_| JsValue::from_str(&format!("{src} did not load")))?;
    Ok(())
}
