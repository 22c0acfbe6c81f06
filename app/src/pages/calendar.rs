//! The working calendar (SPEC W7): the public holidays and make-up working days (调休) every
//! limit in working days is counted on. Administrators enter each year's official schedule
//! when the State Council publishes it; the page warns while next year has none.

use chrono::Datelike;
use hotline_domain::calendar::CalendarYear;
use hotline_domain::{DayKind, FieldErrors, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{admin_calendar, RemoveCalendarDay, SaveCalendarDay};
use crate::i18n::{tr, use_lang};
use crate::pages::admin::{AdminNav, Field};
use crate::pages::common::{field_error, track_saved, LoadError, SaveStatus};

fn weekday(date: chrono::NaiveDate, lang: Lang) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = date.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let year = move || query.with(|q| q.get("year").and_then(|y| y.parse::<i32>().ok()));
    let save = ServerAction::<SaveCalendarDay>::new();
    let remove = ServerAction::<RemoveCalendarDay>::new();
    let data = Resource::new(
        move || (year(), save.version().get(), remove.version().get()),
        |(year, _, _)| admin_calendar(year),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let status = track_saved(move || save.value().get(), errors);
    let removed = track_saved(
        move || remove.value().get(),
        RwSignal::new(FieldErrors::new()),
    );
    view! {
        <Title text=tr!(lang, admin.calendar) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, admin.calendar)}</h1>
            <p class="muted">{tr!(lang, admin.calendar_intro)}</p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(c) => view! { <Year c=c lang=lang remove=remove /> }.into_any(),
                    }
                })}
            </Suspense>
            <SaveStatus status=removed />
            <h2>{tr!(lang, admin.add_day)}</h2>
            <ActionForm action=save attr:class="grid-form" attr:data-testid="calendar-form">
                <Field label=tr!(lang, admin.date) name="date" kind="date" errors=errors />
                <div class="field">
                    <label for="c-kind">{tr!(lang, admin.day_kind)}</label>
                    <select id="c-kind" name="kind">
                        {DayKind::ALL.iter().map(|k| view! { <option value=k.as_code()>{k.label(lang)}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{field_error(errors, lang, "kind")}</p>
                </div>
                <Field label=tr!(lang, admin.holiday_name) name="name" errors=errors />
                <div class="actions"><button type="submit" class="button" data-testid="calendar-save">{tr!(lang, common.save)}</button></div>
            </ActionForm>
            <SaveStatus status=status />
        </section>
    }
}

/// One year's entries, with the links to the years around it.
#[component]
fn Year(c: CalendarYear, lang: Lang, remove: ServerAction<RemoveCalendarDay>) -> impl IntoView {
    let y = c.year;
    let empty = c.days.is_empty();
    let holidays = c.days.iter().filter(|d| d.kind == DayKind::Holiday).count();
    let workdays = c.days.len() - holidays;
    view! {
        <nav class="year-nav" aria-label=tr!(lang, admin.calendar)>
            <a href=format!("/admin/calendar?year={}", y - 1)>{format!("‹ {}", y - 1)}</a>
            <strong data-testid="calendar-year">{y}</strong>
            <a href=format!("/admin/calendar?year={}", y + 1)>{format!("{} ›", y + 1)}</a>
        </nav>
        {empty.then(|| view! {
            <p class="alert" role="alert" data-testid="calendar-empty">{tr!(lang, admin.calendar_empty, year = y)}</p>
        })}
        {(!empty && c.next_year_empty).then(|| view! {
            <p class="alert" role="status" data-testid="calendar-next-missing">{tr!(lang, admin.calendar_next_missing, year = y + 1)}</p>
        })}
        {(!empty).then(|| view! {
            <p data-testid="calendar-summary">{tr!(lang, admin.calendar_summary, holidays, workdays)}</p>
            <div class="table-scroll">
            <table data-testid="calendar-table">
                <thead><tr>
                    <th scope="col">{tr!(lang, admin.date)}</th>
                    <th scope="col">{tr!(lang, admin.weekday)}</th>
                    <th scope="col">{tr!(lang, admin.day_kind)}</th>
                    <th scope="col">{tr!(lang, admin.holiday_name)}</th>
                    <th scope="col"></th>
                </tr></thead>
                <tbody>
                    {c.days.into_iter().map(|d| {
                        let date = d.date.to_string();
                        view! {
                            <tr class:workday=d.kind == DayKind::Workday data-testid="calendar-row">
                                <td class="mono nowrap">{date.clone()}</td>
                                <td>{weekday(d.date, lang)}</td>
                                <td>{d.kind.label(lang)}</td>
                                <td>{d.name.clone()}</td>
                                <td>
                                    <ActionForm action=remove attr:class="inline">
                                        <input type="hidden" name="date" value=date.clone() />
                                        <button type="submit" class="button secondary small" aria-label=tr!(lang, admin.remove_day, date = &date)>
                                            {tr!(lang, knowledge.remove)}
                                        </button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
    }
}
