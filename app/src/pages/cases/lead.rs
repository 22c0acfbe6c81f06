//! The lead's corrections of a case in flight (W4): re-classify a misfiled case, reassign a
//! part, add a department, withdraw a part that is not needed or stays silent. Each needs
//! a reason, which the history keeps.

use hotline_domain::flow::{ActionKind, Assignee};
use hotline_domain::{CaseAction, CaseDetail, CaseType, Priority};
use leptos::prelude::*;

use super::steps::StepState;
use crate::i18n::{tr, use_lang};

#[component]
pub(super) fn LeadSteps(
    detail: CaseDetail,
    state: StepState,
    /// Volunteers and skilled people (a home-care case's parts may move to one).
    providers: Resource<Result<Vec<hotline_domain::ProviderChoice>, ServerFnError>>,
) -> impl IntoView {
    let lang = use_lang();
    let StepState {
        act,
        errors,
        targets,
        options,
        ..
    } = state;
    let number = StoredValue::new(detail.item.tracking_number.to_string());
    let send = move |action: CaseAction| act.dispatch((number.get_value(), action));
    let err =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    let has = |k: ActionKind| detail.actions.contains(&k);
    // Parts the lead may move or end: those still worked on (and unreviewed returns, for a
    // reassignment).
    let parts = |pick: fn(&hotline_domain::Assignment) -> bool| -> Vec<(String, String)> {
        detail
            .assignments
            .iter()
            .filter(|a| pick(&a.part))
            .filter_map(|a| Some((a.part.id?.to_string(), a.name.clone())))
            .collect()
    };
    let movable = parts(|p| p.working() || p.return_pending());
    let closable = parts(hotline_domain::Assignment::working);
    let case_type = RwSignal::new(
        detail
            .item
            .case_type
            .map(|t| t.as_code().to_string())
            .unwrap_or_default(),
    );
    let category = RwSignal::new(detail.category_code.clone());
    let priority = RwSignal::new(String::new());
    let part = RwSignal::new(movable.first().map(|p| p.0.clone()).unwrap_or_default());
    let closing = RwSignal::new(closable.first().map(|p| p.0.clone()).unwrap_or_default());
    let target = RwSignal::new(String::new());
    let added = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let assignee = |value: String| -> Option<Assignee> {
        let (kind, id) = value.split_once(':')?;
        let id = id.parse().ok()?;
        Some(match kind {
            "v" => Assignee::Vendor(id),
            "p" => Assignee::Provider(id),
            _ => Assignee::Department(id),
        })
    };
    // Where a part may go: the case's kind of assignee (departments, or vendors and, for
    // home care, volunteers and skilled people).
    let to_vendor = detail
        .assignments
        .iter()
        .any(|a| !matches!(a.part.assignee, Assignee::Department(_)));
    let reason_field = move |id: &'static str| {
        view! {
            <label for=id>{tr!(lang, cases.reason_short)}</label>
            <textarea id=id rows="2" on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            <p class="field-error" role="alert">{err("reason")}</p>
        }
    };
    let target_options = move |signal: RwSignal<String>,
                               id: &'static str,
                               departments_only: bool| {
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let t = targets.await.unwrap_or_default();
                    let options: Vec<(String, String)> = if to_vendor && !departments_only {
                        let people = providers.await.unwrap_or_default();
                        t.vendors
                            .into_iter()
                            .map(|(id, n)| (format!("v:{id}"), n))
                            .chain(people.into_iter().map(|p| {
                                (format!("p:{}", p.id), format!("{} · {}", p.name, p.district))
                            }))
                            .collect()
                    } else {
                        t.departments.into_iter().map(|(id, n)| (format!("d:{id}"), n)).collect()
                    };
                    view! {
                        <select id=id on:change=move |ev| signal.set(event_target_value(&ev))>
                            <option value="">{tr!(lang, common.choose)}</option>
                            {options.into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
                        </select>
                    }
                })}
            </Suspense>
            <p class="field-error" role="alert">{err("to")}</p>
        }
    };

    let any = [
        ActionKind::Reclassify,
        ActionKind::Reassign,
        ActionKind::AddAssignee,
        ActionKind::ClosePart,
    ]
    .into_iter()
    .any(has);
    any.then(|| view! {
        <details class="lead-steps" data-testid="lead-steps">
            <summary>{tr!(lang, cases.lead_corrections)}</summary>
            {has(ActionKind::Reassign).then(|| view! {
                <form class="step" data-testid="form-reassign" on:submit=move |ev| {
                    ev.prevent_default();
                    let Some(to) = assignee(target.get()) else {
                        let mut e = hotline_domain::FieldErrors::new();
                        e.add("to", hotline_domain::Problem::Required);
                        errors.set(e);
                        return;
                    };
                    send(CaseAction::Reassign {
                        assignment_id: part.get().parse().unwrap_or(0),
                        to,
                        limit: None,
                        reason: reason.get(),
                    });
                }>
                    <h3>{ActionKind::Reassign.label(lang)}</h3>
                    <label for="l-part">{tr!(lang, cases.unit)}</label>
                    <select id="l-part" on:change=move |ev| part.set(event_target_value(&ev))>
                        {movable.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{err("assignment_id")}</p>
                    <label for="l-to">{tr!(lang, cases.reassign_to)}</label>
                    {target_options(target, "l-to", false)}
                    {reason_field("l-reason")}
                    <button type="submit" class="button secondary" data-testid="step-reassign">{ActionKind::Reassign.label(lang)}</button>
                </form>
            })}
            {has(ActionKind::AddAssignee).then(|| view! {
                <form class="step" data-testid="form-add_assignee" on:submit=move |ev| {
                    ev.prevent_default();
                    let Some(to) = assignee(added.get()) else {
                        let mut e = hotline_domain::FieldErrors::new();
                        e.add("to", hotline_domain::Problem::Required);
                        errors.set(e);
                        return;
                    };
                    send(CaseAction::AddAssignee { to, limit: None, reason: reason.get() });
                }>
                    <h3>{ActionKind::AddAssignee.label(lang)}</h3>
                    <label for="l-add">{tr!(lang, common.departments)}</label>
                    {target_options(added, "l-add", true)}
                    {reason_field("l-areason")}
                    <button type="submit" class="button secondary" data-testid="step-add_assignee">{ActionKind::AddAssignee.label(lang)}</button>
                </form>
            })}
            {has(ActionKind::ClosePart).then(|| view! {
                <form class="step" data-testid="form-close_part" on:submit=move |ev| {
                    ev.prevent_default();
                    send(CaseAction::ClosePart {
                        assignment_id: closing.get().parse().unwrap_or(0),
                        reason: reason.get(),
                    });
                }>
                    <h3>{ActionKind::ClosePart.label(lang)}</h3>
                    <label for="l-close">{tr!(lang, cases.unit)}</label>
                    <select id="l-close" on:change=move |ev| closing.set(event_target_value(&ev))>
                        {closable.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{err("assignment_id")}</p>
                    {reason_field("l-creason")}
                    <button type="submit" class="button secondary" data-testid="step-close_part">{ActionKind::ClosePart.label(lang)}</button>
                </form>
            })}
            {has(ActionKind::Reclassify).then(|| view! {
                <form class="step" data-testid="form-reclassify" on:submit=move |ev| {
                    ev.prevent_default();
                    let Some(t) = CaseType::from_code(&case_type.get()) else {
                        return;
                    };
                    send(CaseAction::Reclassify {
                        case_type: t,
                        category_code: category.get(),
                        priority: Priority::from_code(&priority.get()),
                        reason: reason.get(),
                    });
                }>
                    <h3>{ActionKind::Reclassify.label(lang)}</h3>
                    <super::steps::ClassifyFields prefix="l" case_type=case_type category=category
                        priority=priority options=options errors=errors />
                    {reason_field("l-rreason")}
                    <button type="submit" class="button secondary" data-testid="step-reclassify">{ActionKind::Reclassify.label(lang)}</button>
                </form>
            })}
        </details>
    })
}
