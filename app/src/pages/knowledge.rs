//! The knowledge base (SPEC K1–K2, P3): type-ahead search with the matched parts marked,
//! articles, and the editor (new, edit, or drafted from a handled case). Citizens search
//! and read the public articles; staff who take calls see all and edit.

use hotline_domain::{FieldErrors, Permission, SearchHit, Segment};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{
    kb_article, kb_browse, kb_categories, kb_editor, kb_search, DeleteKbCategory, FormOutcome,
    SaveArticle, SaveKbCategory,
};
use crate::i18n::{tr, use_lang};
use crate::pages::admin::Field;
use crate::pages::common::{
    encode_query_value, field_error, local_time, track_saved, FieldMessage, LoadError,
};
use crate::use_current_user;

/// Text with the runs that matched the search in `<mark>`.
#[component]
pub fn Marked(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| {
            if s.hit {
                Either::Left(view! { <mark>{s.text}</mark> })
            } else {
                Either::Right(s.text)
            }
        })
        .collect_view()
}

/// A search box with results as the user types (after a short pause), for the knowledge
/// page and beside the agents' intake form.
#[component]
pub fn KnowledgeSearch(
    #[prop(optional)] initial: String,
    /// Autofocus the box (the knowledge page); the intake form keeps its own focus.
    #[prop(optional)]
    autofocus: bool,
    /// Beside the intake form: Enter searches in place and hits open in a new tab, so the
    /// call's screen is never left.
    #[prop(optional)]
    embedded: bool,
) -> impl IntoView {
    let lang = use_lang();
    let text = RwSignal::new(initial.clone());
    let asked = RwSignal::new(initial);
    let typed = StoredValue::new(0_u64);
    let hits = Resource::new(
        move || asked.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok((q, Vec::new()))
            } else {
                kb_search(q.clone()).await.map(|hits| (q, hits))
            }
        },
    );
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value);
        typed.update_value(|n| *n += 1);
        let ticket = typed.get_value();
        // The page may be gone by then (the user followed a hit): nothing to do.
        set_timeout(
            move || {
                if typed.try_get_value() == Some(ticket) {
                    if let Some(value) = text.try_get_untracked() {
                        asked.try_set(value);
                    }
                }
            },
            std::time::Duration::from_millis(120),
        );
    };
    view! {
        <form class="kb-search" method="get" action="/knowledge" role="search"
            on:submit=move |ev| {
                if embedded {
                    ev.prevent_default();
                    asked.set(text.get_untracked());
                }
            }>
            <label for=if embedded { "kb-q-side" } else { "kb-q" } class="visually-hidden">{tr!(lang, knowledge.search_label)}</label>
            <input id=if embedded { "kb-q-side" } else { "kb-q" } name="q" type="search" maxlength=hotline_domain::knowledge::QUERY_MAX
                autocomplete="off" autofocus=autofocus data-testid="kb-search"
                placeholder=tr!(lang, knowledge.search_hint)
                prop:value=move || text.get() on:input=on_input />
        </form>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match hits.await {
                    Ok((q, list)) if list.is_empty() => Either::Left(Either::Left(
                        (!q.trim().is_empty()).then(|| view! {
                            <p class="muted" data-testid="kb-empty">{tr!(lang, knowledge.nothing_found)}</p>
                        }),
                    )),
                    Ok((q, list)) => Either::Left(Either::Right(view! {
                        <HitList hits=list new_tab=embedded from=format!("q={}", encode_query_value(q.trim())) />
                    })),
                    Err(e) => Either::Right(view! { <LoadError error=e /> }),
                }
            })}
        </Transition>
    }
}

/// Articles as a list; each link carries `from` (the search or the category it was found
/// in), so the article's "back" link returns there.
#[component]
fn HitList(hits: Vec<SearchHit>, new_tab: bool, from: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ol class="kb-hits" data-testid="kb-hits">
            {hits.into_iter().map(|h| view! {
                <li data-testid="kb-hit">
                    <a href=format!("/knowledge/{}?{from}", h.id) class="kb-hit-title"
                        target=new_tab.then_some("_blank")><Marked segments=h.title /></a>
                    <span class="tag">{h.category_name}</span>
                    {(!h.public).then(|| view! { <span class="tag internal">{tr!(lang, knowledge.staff_only)}</span> })}
                    <p class="kb-excerpt"><Marked segments=h.excerpt /></p>
                </li>
            }).collect_view()}
        </ol>
    }
}

#[component]
pub fn KnowledgePage() -> impl IntoView {
    let lang = use_lang();
    let user = use_current_user();
    let query = use_query_map();
    let initial = query.with_untracked(|q| q.get("q").unwrap_or_default());
    let title = move || {
        if user.get().is_some() {
            tr!(lang, common.knowledge_base)
        } else {
            tr!(lang, common.service_guide)
        }
    };
    view! {
        <Title text=title />
        <section class="panel">
            <div class="desk-head">
                <h1>{title}</h1>
                {move || user.get().filter(|u| u.can(Permission::Intake)).map(|_| view! {
                    <a class="button" href="/knowledge/write" data-testid="kb-new">{tr!(lang, knowledge.new_article)}</a>
                })}
            </div>
            <KnowledgeSearch initial autofocus=true />
        </section>
        <Guide />
        {move || user.get().is_none().then(|| view! { <NeedHelp /> })}
        {move || user.get().filter(|u| u.can(Permission::Approve)).map(|_| view! { <Categories /> })}
    }
}

/// The base by category (P3): every category the reader can open something in, and the
/// chosen one's articles (`/knowledge?c=<id>`).
#[component]
fn Guide() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let category =
        Memo::new(move |_| query.with(|q| q.get("c").and_then(|v| v.parse::<i64>().ok())));
    let browse = Resource::new(move || category.get(), kb_browse);
    view! {
        <section class="panel kb-guide" data-testid="kb-guide" aria-labelledby="kb-guide-title">
            <h2 id="kb-guide-title">{tr!(lang, knowledge.browse)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match browse.await {
                        Ok(Some(guide)) => {
                            let chosen = guide.category;
                            let name = chosen.and_then(|id| {
                                guide.categories.iter().find(|c| c.id == id).map(|c| c.name.clone())
                            });
                            Either::Left(view! {
                                <ul class="kb-guide-categories">
                                    {guide.categories.into_iter().map(|c| {
                                        let current = Some(c.id) == chosen;
                                        view! {
                                            <li>
                                                <a href=format!("/knowledge?c={}", c.id) data-testid="kb-guide-category"
                                                    aria-current=current.then_some("page")>
                                                    {c.name}" "<span class="count">{c.articles}</span>
                                                </a>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {name.zip(chosen).map(|(name, id)| view! {
                                    <h3 data-testid="kb-guide-title">{name}</h3>
                                    <HitList hits=guide.articles new_tab=false from=format!("c={id}") />
                                })}
                            })
                        }
                        Ok(None) => Either::Right(Either::Left(view! {
                            <p class="muted" data-testid="kb-guide-unknown">{tr!(lang, knowledge.no_such_category)}</p>
                        })),
                        Err(e) => Either::Right(Either::Right(view! { <LoadError error=e /> })),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Where a citizen goes when the guide does not answer: the form, or the phone.
#[component]
fn NeedHelp() -> impl IntoView {
    let lang = use_lang();
    view! {
        <aside class="panel need-help" data-testid="need-help">
            <h2>{tr!(lang, knowledge.need_help)}</h2>
            <p>{tr!(lang, knowledge.need_help_text)}</p>
            <p class="filed-actions">
                <a class="button primary" href="/" data-testid="need-help-file">{tr!(lang, knowledge.file_request)}</a>
                <a class="button call" href="tel:12345">{tr!(lang, portal.call_12345)}</a>
            </p>
        </aside>
    }
}

/// The categories of the base (K1), kept in order by the leads: add, rename, remove an
/// empty one.
#[component]
fn Categories() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveKbCategory>::new();
    let delete = ServerAction::<DeleteKbCategory>::new();
    let list = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| kb_categories(),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let saved = track_saved(move || save.value().get(), errors);
    let delete_errors = RwSignal::new(FieldErrors::new());
    let deleted = track_saved(move || delete.value().get(), delete_errors);
    // Once added, the "new category" field is empty again for the next one.
    let new_name = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(FormOutcome::Done(())))) {
            if let Some(input) = new_name.get() {
                input.set_value("");
            }
        }
    });
    let problem = move || {
        let mut all: Vec<String> = Vec::new();
        if let Some(Err(e)) = saved.get() {
            all.push(e);
        }
        if let Some(Err(e)) = deleted.get() {
            all.push(e);
        }
        all.extend(field_error(errors, lang, "name")());
        all.extend(field_error(delete_errors, lang, "id")());
        all.join(" ")
    };
    view! {
        <section class="panel" data-testid="kb-categories">
            <h2>{tr!(lang, knowledge.categories)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(categories) => view! {
                            <ul class="kb-categories">
                                {categories.into_iter().map(|c| {
                                    let label = tr!(lang, knowledge.category_name_label, name = &c.name);
                                    view! {
                                        <li data-testid="kb-category">
                                            <ActionForm action=save attr:class="inline">
                                                <input type="hidden" name="id" value=c.id.to_string() />
                                                <input name="name" value=c.name.clone() maxlength="30"
                                                    aria-label=label data-testid="kb-category-name" />
                                                " "
                                                <button type="submit" class="button small secondary" data-testid="kb-category-rename">
                                                    {tr!(lang, common.rename)}
                                                </button>
                                            </ActionForm>
                                            " "<span class="muted">{tr!(lang, knowledge.article_count, count = c.articles)}</span>" "
                                            {(c.articles == 0).then(|| view! {
                                                <ActionForm action=delete attr:class="inline">
                                                    <input type="hidden" name="id" value=c.id.to_string() />
                                                    <button type="submit" class="button small secondary" data-testid="kb-category-delete">
                                                        {tr!(lang, knowledge.remove)}
                                                    </button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <ActionForm action=save attr:class="inline" attr:data-testid="kb-category-form">
                <label for="kc-name">{tr!(lang, knowledge.new_category)}</label>" "
                <input id="kc-name" name="name" maxlength="30" node_ref=new_name data-testid="kb-category-new" />" "
                <button type="submit" class="button small secondary" data-testid="kb-category-add">{tr!(lang, knowledge.add)}</button>
            </ActionForm>
            <p class="field-error" role="status" data-testid="kb-category-status">{problem}</p>
        </section>
    }
}

#[component]
pub fn ArticlePage() -> impl IntoView {
    let lang = use_lang();
    let user = use_current_user();
    let params = use_params_map();
    let query = use_query_map();
    // Back to where the article was found: the search (`?q=`) or the category (`?c=`).
    let back = move || {
        query.with(|q| match (q.get("q"), q.get("c")) {
            (Some(text), _) if !text.trim().is_empty() => {
                format!("/knowledge?q={}", encode_query_value(text.trim()))
            }
            (_, Some(c)) if c.parse::<i64>().is_ok() => format!("/knowledge?c={c}"),
            _ => "/knowledge".to_string(),
        })
    };
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let article = Resource::new(id, |id| async move {
        match id {
            Some(id) => kb_article(id).await,
            None => Ok(None),
        }
    });
    view! {
        <section class="panel">
            <p><a href=back data-testid="kb-back">{tr!(lang, knowledge.back)}</a></p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match article.await {
                        Ok(Some(a)) => {
                            let editor = user.get_untracked().is_some_and(|u| u.can(Permission::Intake));
                            // Whether an article is public, and its search keywords, are the
                            // staff's business; citizens only ever see public ones.
                            let staff = user.get_untracked().is_some();
                            Either::Left(view! {
                                <Title text=a.title.clone() />
                                <article class="kb-article" data-testid="kb-article">
                                    <h1 data-testid="kb-title">{a.title.clone()}</h1>
                                    <p class="muted">
                                        <span class="tag">{a.category_name.clone()}</span>" "
                                        {staff.then(|| format!("{} · ", if a.public { tr!(lang, knowledge.public) } else { tr!(lang, knowledge.staff_only_long) }))}
                                        {tr!(lang, knowledge.updated)}{local_time(a.updated_at)}
                                        {editor.then(|| format!(" · {}", a.updated_by))}
                                    </p>
                                    {(staff && !a.keywords.is_empty()).then(|| view! {
                                        <p class="muted">{tr!(lang, knowledge.keywords)}{a.keywords.clone()}</p>
                                    })}
                                    <div class="kb-body" data-testid="kb-body">{a.body.clone()}</div>
                                    {a.source_case.clone().filter(|_| editor).map(|n| view! {
                                        <p class="muted">{tr!(lang, knowledge.from_case)}
                                            <a href=format!("/cases/{n}")>{n.clone()}</a></p>
                                    })}
                                    {editor.then(|| view! {
                                        <p><a class="button secondary" href=format!("/knowledge/write?id={}", a.id)
                                            data-testid="kb-edit">{tr!(lang, common.edit)}</a></p>
                                    })}
                                </article>
                            })
                        }
                        Ok(None) => Either::Right(Either::Left(view! {
                            <Title text=tr!(lang, knowledge.not_found) />
                            <h1>{tr!(lang, knowledge.no_such_article)}</h1>
                        })),
                        Err(e) => Either::Right(Either::Right(view! { <LoadError error=e /> })),
                    }
                })}
            </Suspense>
        </section>
        {move || user.get().is_none().then(|| view! { <NeedHelp /> })}
    }
}

/// `/knowledge/write?id=N` edits, `?case=N` drafts from a handled case, else a new article.
#[component]
pub fn WritePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let key = move || {
        query.with(|q| {
            (
                q.get("id").and_then(|v| v.parse::<i64>().ok()),
                q.get("case"),
            )
        })
    };
    let editor = Resource::new(key, |(id, case)| kb_editor(id, case));
    let save = ServerAction::<SaveArticle>::new();
    let errors = RwSignal::new(FieldErrors::new());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(FormOutcome::Done(id))) => {
            errors.set(FieldErrors::new());
            use_navigate()(&format!("/knowledge/{id}"), Default::default());
        }
        Some(Ok(FormOutcome::Invalid(e))) => errors.set(e),
        _ => {}
    });
    let failed = move || {
        save.value()
            .get()
            .and_then(|r| match r {
                Ok(FormOutcome::Refused(m)) => Some(m),
                Err(e) => Some(e.to_string()),
                Ok(_) => None,
            })
            .map(|e| tr!(lang, common.not_saved_because, error = e))
    };
    view! {
        <Title text=tr!(lang, knowledge.edit_article) />
        <section class="panel">
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match editor.await {
                        Ok(Some(ed)) => {
                            let category_error = Signal::derive(field_error(errors, lang, "category_id"));
                            let body_error = Signal::derive(field_error(errors, lang, "body"));
                            let case_error = Signal::derive(field_error(errors, lang, "source_case"));
                            let chosen = ed.input.category_id.clone();
                            Either::Left(view! {
                                <h1>{if ed.id.is_some() { tr!(lang, knowledge.edit_article) } else { tr!(lang, knowledge.new_article) }}</h1>
                                <ActionForm action=save attr:class="grid-form kb-form" attr:data-testid="kb-form">
                                    <input type="hidden" name="id" value=ed.id.map(|i| i.to_string()).unwrap_or_default() />
                                    <input type="hidden" name="source_case" value=ed.input.source_case.clone().unwrap_or_default() />
                                    <div class="field">
                                        <label for="a-category_id">{tr!(lang, knowledge.category)}</label>
                                        <select id="a-category_id" name="category_id" aria-describedby="e-category_id">
                                            <option value="">{tr!(lang, common.choose)}</option>
                                            {ed.categories.into_iter().map(|c| {
                                                let selected = c.id.to_string() == chosen;
                                                view! { <option value=c.id.to_string() selected=selected>{c.name}</option> }
                                            }).collect_view()}
                                        </select>
                                        <FieldMessage id="e-category_id" message=category_error />
                                    </div>
                                    <Field label=tr!(lang, knowledge.title) name="title" errors=errors value=ed.input.title.clone() />
                                    <Field label=tr!(lang, knowledge.keywords_hint)
                                        name="keywords" errors=errors value=ed.input.keywords.clone() />
                                    <div class="field wide">
                                        <label for="a-body">{tr!(lang, knowledge.text)}</label>
                                        <textarea id="a-body" name="body" rows="12" aria-describedby="e-body"
                                            aria-invalid=move || body_error.with(Option::is_some).to_string()>{ed.input.body.clone()}</textarea>
                                        <FieldMessage id="e-body" message=body_error />
                                    </div>
                                    <div class="field checkbox">
                                        <input id="a-public" name="public" type="checkbox" checked=ed.input.public />
                                        <label for="a-public">{tr!(lang, knowledge.public_guide)}</label>
                                    </div>
                                    {ed.input.source_case.clone().map(|n| view! {
                                        <p class="muted wide">{tr!(lang, knowledge.from_case)}{n}</p>
                                    })}
                                    <FieldMessage id="e-source_case" message=case_error />
                                    <div class="actions">
                                        <button type="submit" class="button" data-testid="kb-save">{tr!(lang, common.save)}</button>
                                        <a href="/knowledge">{tr!(lang, common.cancel)}</a>
                                    </div>
                                </ActionForm>
                                <p class="alert" role="alert" hidden=move || failed().is_none()>{failed}</p>
                            })
                        }
                        Ok(None) => Either::Right(Either::Left(view! {
                            <h1>{tr!(lang, knowledge.no_article_or_case)}</h1>
                        })),
                        Err(e) => Either::Right(Either::Right(view! { <LoadError error=e /> })),
                    }
                })}
            </Suspense>
        </section>
    }
}
