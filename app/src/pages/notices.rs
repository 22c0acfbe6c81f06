//! In-app notices (SPEC N2): the count in the header, live, with a sound for escalations;
//! and the list, where the reader marks them read.

use hotline_domain::{NoticeKind, Notification};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{mark_notices_read, my_notifications};
use crate::i18n::{tr, use_lang};
use crate::live;
use crate::pages::common::{local_time, LoadError};

/// Bumped when the reader's notices change (one arrived, or they marked them read): the
/// header's count and the list reload.
#[derive(Clone, Copy)]
pub struct NoticeVersion(pub RwSignal<u32>);

fn version() -> RwSignal<u32> {
    expect_context::<NoticeVersion>().0
}

/// The header's link to the notices with the number unread; it listens for new ones and
/// sounds them (the alarm for an escalation, the chime otherwise) once sound is on.
#[component]
pub fn NoticeBell() -> impl IntoView {
    let lang = use_lang();
    let version = version();
    // Loaded in the browser only: the header of every staff page stays one query cheaper.
    // Not a resource: one loading inside the header's `Suspense` would blank the whole
    // navigation until it answered.
    let notices = RwSignal::new(None::<Vec<Notification>>);
    Effect::new(move |_| {
        version.track();
        leptos::task::spawn_local(async move {
            if let Ok(list) = my_notifications().await {
                notices.set(Some(list));
            }
        });
    });
    let unread = move || {
        notices.with(|list| {
            list.as_ref()
                .map_or(0, |list| list.iter().filter(|n| n.unread).count())
        })
    };
    Effect::new(move |_| {
        let subscription = live::listen(
            &["notice", "resync"],
            move |name, data| {
                if name == "notice" {
                    let kind = serde_json::from_str::<serde_json::Value>(&data)
                        .ok()
                        .and_then(|v| v["kind"].as_str().and_then(NoticeKind::from_code));
                    if kind.is_some_and(NoticeKind::loud) {
                        live::alarm();
                    } else {
                        live::chime();
                    }
                }
                version.update(|v| *v += 1);
            },
            |_| {},
        );
        let subscription = send_wrapper::SendWrapper::new(subscription);
        on_cleanup(move || drop(subscription));
    });
    view! {
        <a href="/notices" data-testid="nav-notices" class="notice-link"
            data-ready=move || notices.get().is_some().to_string()>
            {tr!(lang, nav.notices)}
            {move || (unread() > 0).then(|| view! {
                " "<span class="badge" data-testid="notice-count"
                    aria-label=tr!(lang, notices.count, count = unread())>{unread()}</span>
            })}
        </a>
    }
}

/// The reader's notices, newest first, unread ones marked.
#[component]
pub fn NoticesPage() -> impl IntoView {
    let lang = use_lang();
    let version = version();
    let notices = Resource::new(move || version.get(), |_| my_notifications());
    let mark = Action::new(|up_to: &i64| mark_notices_read(*up_to));
    Effect::new(move |_| {
        if let Some(Ok(())) = mark.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let sound = RwSignal::new(false);
    view! {
        <Title text=tr!(lang, notices.title) />
        <section class="panel wide">
            <div class="desk-head">
                <div>
                    <h1>{tr!(lang, notices.title)}</h1>
                    <p class="muted">{tr!(lang, notices.intro)}</p>
                </div>
                <button type="button" class="button secondary small" data-testid="notice-sound"
                    aria-pressed=move || sound.get().to_string()
                    on:click=move |_| sound.set(!sound.get_untracked() && live::enable_sound())>
                    {move || if sound.get() { tr!(lang, notices.sound_off) } else { tr!(lang, notices.sound_on) }}
                </button>
            </div>
            <Transition fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match notices.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{tr!(lang, notices.none)}</p> }.into_any(),
                        Ok(list) => {
                            let newest = list.first().map(|n| n.id);
                            let any_unread = list.iter().any(|n| n.unread);
                            view! {
                                {(any_unread).then(|| view! {
                                    <p><button type="button" class="button small" data-testid="notices-mark-read"
                                        on:click=move |_| { if let Some(id) = newest { mark.dispatch(id); } }>
                                        {tr!(lang, notices.mark_read)}
                                    </button></p>
                                })}
                                <ol class="notices" data-testid="notices">
                                    {list.into_iter().map(|n| view! { <NoticeItem n /> }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NoticeItem(n: Notification) -> impl IntoView {
    let lang = use_lang();
    let kind = NoticeKind::from_code(&n.kind);
    view! {
        <li class:unread=n.unread class:loud=kind.is_some_and(NoticeKind::loud)
            data-testid="notice" data-kind=n.kind.clone() data-unread=n.unread.to_string()>
            <time datetime=n.created_at.to_rfc3339()>{local_time(n.created_at)}</time>" "
            <strong>{kind.map(|k| k.label(lang)).unwrap_or("")}</strong>
            {n.unread.then(|| view! { " "<span class="badge">{tr!(lang, notices.unread)}</span> })}
            <p>{n.message.clone()}</p>
            {n.tracking_number.map(|number| view! {
                <a class="mono" href=format!("/cases/{number}")>{tr!(lang, notices.case, number = &number)}</a>
            })}
        </li>
    }
}
