//! The browser side of live updates: one `EventSource` on `/api/v1/events` per page,
//! shared by everything on it that listens (the header's notice bell, the agent desk), and
//! a short sound cue for agents (SPEC P5). Browser-only: called from effects, which never
//! run on the server.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{closure::Closure, JsCast};

/// Where the live connection stands, shown to the agent and used by the browser tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveState {
    Connecting,
    Open,
    /// The browser is retrying by itself.
    Reconnecting,
    /// The browser gave up (the server answered with an error status): the page must
    /// subscribe again.
    Closed,
}

impl LiveState {
    pub fn code(self) -> &'static str {
        match self {
            LiveState::Connecting => "connecting",
            LiveState::Open => "open",
            LiveState::Reconnecting | LiveState::Closed => "reconnecting",
        }
    }
}

/// An open subscription; dropping it closes the connection and frees the callbacks.
pub struct Subscription {
    source: web_sys::EventSource,
    _callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Every event the pages listen for: the one connection listens for all of them.
const EVENTS: &[&str] = &[
    "notice",
    "resync",
    "request_filed",
    "incoming_call",
    "missed_call",
    "alarm",
];
const EVENTS_URL: &str = "/api/v1/events";

type EventFn = Rc<RefCell<dyn FnMut(&str, String)>>;
type StateFn = Rc<dyn Fn(LiveState)>;

struct Listener {
    id: u64,
    events: Vec<&'static str>,
    on_event: EventFn,
    on_state: StateFn,
}

/// The page's one connection and who listens to it.
#[derive(Default)]
struct Hub {
    connection: Option<Subscription>,
    state: Option<LiveState>,
    listeners: Vec<Listener>,
    next_id: u64,
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::default());
}

/// A listener on the page's live connection; dropping it stops the calls, and the last one
/// dropped closes the connection.
pub struct Listening {
    id: u64,
}

impl Drop for Listening {
    fn drop(&mut self) {
        let idle = HUB.with(|hub| {
            let mut hub = hub.borrow_mut();
            hub.listeners.retain(|l| l.id != self.id);
            if hub.listeners.is_empty() {
                hub.state = None;
                hub.connection.take()
            } else {
                None
            }
        });
        if let Some(connection) = idle {
            retire(connection);
        }
    }
}

/// Listens for the named server events on the page's one connection (opened by the first
/// listener): `on_event` gets each event's name and data, `on_state` each (re)connection,
/// at once with the connection's state if it is already open. The browser retries a
/// dropped connection by itself; one the server refused is opened again after 3 seconds.
pub fn listen(
    events: &[&'static str],
    on_event: impl FnMut(&str, String) + 'static,
    on_state: impl Fn(LiveState) + 'static,
) -> Listening {
    debug_assert!(events.iter().all(|e| EVENTS.contains(e)), "{events:?}");
    let on_state: StateFn = Rc::new(on_state);
    let (id, state, unconnected) = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        hub.next_id += 1;
        let id = hub.next_id;
        hub.listeners.push(Listener {
            id,
            events: events.to_vec(),
            on_event: Rc::new(RefCell::new(on_event)),
            on_state: on_state.clone(),
        });
        (id, hub.state, hub.connection.is_none())
    });
    if unconnected {
        connect();
    } else if let Some(state) = state {
        on_state(state);
    }
    Listening { id }
}

fn connect() {
    let connection = open_connection();
    let old = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        hub.state = Some(LiveState::Connecting);
        std::mem::replace(&mut hub.connection, connection)
    });
    if let Some(old) = old {
        retire(old);
    }
}

/// Closes a connection now and frees its callbacks later: one of them may be running.
fn retire(connection: Subscription) {
    connection.source.close();
    leptos::prelude::set_timeout(move || drop(connection), std::time::Duration::ZERO);
}

fn deliver(name: &str, data: String) {
    // Called outside the hub's borrow: a listener may add or drop listeners.
    let targets: Vec<EventFn> = HUB.with(|hub| {
        hub.borrow()
            .listeners
            .iter()
            .filter(|l| l.events.contains(&name))
            .map(|l| l.on_event.clone())
            .collect()
    });
    for target in targets {
        (target.borrow_mut())(name, data.clone());
    }
}

fn changed(state: LiveState) {
    let targets: Vec<StateFn> = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        hub.state = Some(state);
        hub.listeners.iter().map(|l| l.on_state.clone()).collect()
    });
    for target in targets {
        target(state);
    }
    if state == LiveState::Closed {
        leptos::prelude::set_timeout(
            || {
                let wanted = HUB.with(|hub| !hub.borrow().listeners.is_empty());
                if wanted {
                    connect();
                }
            },
            std::time::Duration::from_secs(3),
        );
    }
}

/// Opens the page's connection, listening for every event of [`EVENTS`] (handed to
/// [`deliver`]) and for its state (handed to [`changed`]): the browser retries a dropped
/// connection by itself, but not one the server refused (`LiveState::Closed`).
fn open_connection() -> Option<Subscription> {
    let source = web_sys::EventSource::new(EVENTS_URL).ok()?;
    let mut callbacks = Vec::new();
    for &name in EVENTS {
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let data = e
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
                .unwrap_or_default();
            deliver(name, data);
        });
        source
            .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
            .ok()?;
        callbacks.push(listener);
    }
    let opened = Closure::<dyn FnMut(web_sys::Event)>::new(|_| changed(LiveState::Open));
    let failed = {
        let source = source.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            changed(if source.ready_state() == web_sys::EventSource::CLOSED {
                LiveState::Closed
            } else {
                LiveState::Reconnecting
            })
        })
    };
    source.set_onopen(Some(opened.as_ref().unchecked_ref()));
    source.set_onerror(Some(failed.as_ref().unchecked_ref()));
    callbacks.extend([opened, failed]);
    Some(Subscription {
        source,
        _callbacks: callbacks,
    })
}

thread_local! {
    static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
}

/// Browsers only let a page make sound after the user has interacted with it, so the agent
/// turns the cue on once per shift with a click; that click creates the audio context.
pub fn enable_sound() -> bool {
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = web_sys::AudioContext::new().ok();
        }
        if let Some(ctx) = audio.as_ref() {
            let _ = ctx.resume();
        }
        audio.is_some()
    })
}

/// Two short rising tones: noticeable across a call-centre floor, not alarming.
pub fn chime() {
    tones(&[660.0, 880.0], 0.18);
}

/// An escalation: six quick alternating tones the lead cannot miss.
pub fn alarm() {
    tones(&[988.0, 740.0, 988.0, 740.0, 988.0, 740.0], 0.2);
}

/// Plays `freqs` one after another, `step` seconds apart (nothing until sound is on).
fn tones(freqs: &[f32], step: f64) {
    AUDIO.with(|audio| {
        let audio = audio.borrow();
        let Some(ctx) = audio.as_ref() else { return };
        let start = ctx.current_time();
        for (i, freq) in freqs.iter().copied().enumerate() {
            let at = start + i as f64 * step;
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                return;
            };
            osc.frequency().set_value(freq);
            let _ = gain.gain().set_value_at_time(0.0001, at);
            let _ = gain
                .gain()
                .exponential_ramp_to_value_at_time(0.25, at + 0.02);
            let _ = gain
                .gain()
                .exponential_ramp_to_value_at_time(0.0001, at + 0.16);
            let _ = osc.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&ctx.destination());
            let _ = osc.start_with_when(at);
            let _ = osc.stop_with_when(at + 0.17);
        }
    });
}
