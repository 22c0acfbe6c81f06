//! The elderly registry as a file (SPEC R3): any filtered list exported to CSV or XLSX, and
//! people imported from either with a report naming every bad row's column and reason.
//! Both are audited. An import is all or nothing unless asked to skip bad rows; its people
//! are stored in parts (other writers wait for one part, not the file), the last with the
//! report and its audit entry, and a part that fails removes the parts before it.

use std::collections::HashMap;

use hotline_domain::registry_io::{
    check_elderly_row, read_header, ElderlyDraft, RegionIndex, ELDERLY_COLUMNS,
    ELDERLY_EXPORT_ONLY, IMPORT_ISSUES_KEPT,
};
use hotline_domain::{
    mask_id_number, mask_phone, ElderlyQuery, FileFormat, ImportIssue, ImportMode, ImportReport,
    Permission, Problem, StaffUser, REGISTRY_FILE_MAX_ROWS,
};

use crate::audit::Origin;
use crate::clock::local_date_of;
use crate::scope::require;
use crate::store::{ElderlyExportRow, ElderlyUnique, NewElderly};
use crate::tabular::{read_sheet, write_csv, write_xlsx};
use crate::{Hotline, ServiceError};

/// People stored per transaction. A larger import is stored in parts, so other writers
/// (a citizen filing, an alarm) wait for one part at most, never for the whole file (on
/// SQLite one transaction holds the only writer); a part that fails removes the parts
/// stored before it, so the import still ends with all of its people or none.
const IMPORT_PART: usize = 2_000;

/// On SQLite, the pause after each part: a writer that found the database busy retries
/// after sleeping (up to 100 ms at a time, SQLite's busy handler), so it must find the
/// writer free for that long or the next part takes it again (measured: a caller mark
/// waited 6.3 s behind a 100,000-row import without it).
const SQLITE_PART_PAUSE: std::time::Duration = std::time::Duration::from_millis(120);

/// An exported file.
#[derive(Debug, Clone)]
pub struct RegistryFile {
    pub format: FileFormat,
    pub file_name: String,
    pub rows: usize,
    pub bytes: Vec<u8>,
}

/// What a registry's export is called: its sheet, its audit entries' object type, the
/// start of its file name.
pub(crate) struct ExportKind {
    pub sheet: &'static str,
    pub object_type: &'static str,
    pub file_prefix: &'static str,
}

/// The most rows one file takes: one more found (the stores are asked for that many) is a
/// search to narrow, named on `q`.
pub(crate) const EXPORT_ASK: u32 = REGISTRY_FILE_MAX_ROWS as u32 + 1;

pub(crate) fn within_a_file(rows: usize) -> Result<(), ServiceError> {
    if rows > REGISTRY_FILE_MAX_ROWS {
        return Err(ServiceError::field(
            "q",
            Problem::TooMany {
                max: REGISTRY_FILE_MAX_ROWS as u64,
            },
        ));
    }
    Ok(())
}

impl Hotline {
    /// An export's rows written as a file of `format`, and audited (`export` on the
    /// kind's object type, object id `registry`): the format, the rows, and what `audit`
    /// adds (the search, what was shown in full).
    pub(crate) async fn registry_file(
        &self,
        origin: &Origin,
        kind: &ExportKind,
        format: FileFormat,
        headings: &[&str],
        cells: &[Vec<String>],
        audit: serde_json::Value,
    ) -> Result<RegistryFile, ServiceError> {
        let bytes = match format {
            FileFormat::Csv => write_csv(headings, cells),
            FileFormat::Xlsx => write_xlsx(kind.sheet, headings, cells),
        }
        .map_err(ServiceError::Internal)?;
        let mut after = serde_json::json!({
            "format": format.as_code(),
            "rows": cells.len(),
        });
        if let (Some(after), serde_json::Value::Object(extra)) = (after.as_object_mut(), audit) {
            after.extend(extra);
        }
        self.store
            .append_audit(&self.audit_entry(
                origin,
                "export",
                kind.object_type,
                "registry",
                None,
                Some(after.to_string()),
            ))
            .await?;
        let day = local_date_of(self.now()).format("%Y%m%d");
        Ok(RegistryFile {
            format,
            file_name: format!("{}-{day}.{}", kind.file_prefix, format.as_code()),
            rows: cells.len(),
            bytes,
        })
    }

    /// Every person the search finds (not only one page), as a CSV or XLSX file: ID numbers
    /// and phones in full only with the ID permission, health only with the health one. At
    /// most [`REGISTRY_FILE_MAX_ROWS`]; the export itself is audited with its search.
    pub async fn export_elderly(
        &self,
        user: &StaffUser,
        query: &ElderlyQuery,
        format: FileFormat,
        origin: &Origin,
    ) -> Result<RegistryFile, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        require(user, Permission::Export)?;
        let filter = query.validate().map_err(ServiceError::Invalid)?;
        let listing = self.elderly_listing(&filter);
        let rows = self.store.elderly_export(&listing, EXPORT_ASK).await?;
        within_a_file(rows.len())?;
        let full_id = user.can(Permission::IdReveal);
        let health = user.can(Permission::HealthRecords);
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| export_cells(row, full_id, health))
            .collect();
        let header: Vec<&str> = export_columns().map(|c| c.heading).collect();
        let kind = ExportKind {
            sheet: "老年人档案",
            object_type: "elderly",
            file_prefix: "elderly-registry",
        };
        let audit = serde_json::json!({
            "search": query,
            "id_numbers": if full_id { "full" } else { "masked" },
            "health": health,
        });
        self.registry_file(origin, &kind, format, &header, &cells, audit)
            .await
    }

    /// Reads a CSV or XLSX file of people into the registry. Every row is checked (the
    /// columns' rules, the same ID, service card or terminal number twice in the file or
    /// already stored); in [`ImportMode::All`] any issue stores nothing, in
    /// [`ImportMode::SkipBadRows`] the good rows are stored. The report is stored either way
    /// (with its audit entry, in the transaction of the last people) and returned.
    pub async fn import_elderly(
        &self,
        user: &StaffUser,
        file_name: &str,
        bytes: &[u8],
        mode: ImportMode,
        origin: &Origin,
    ) -> Result<ImportReport, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let mut report = ImportReport {
            id: 0,
            registry: "elderly".into(),
            file_name: clean_file_name(file_name),
            format: FileFormat::Csv,
            mode,
            actor: origin.actor.clone(),
            at: self.now(),
            rows: 0,
            imported: 0,
            rejected: 0,
            placed_at_region: 0,
            committed: false,
            issues: Vec::new(),
            issues_total: 0,
        };
        let file_issue = |problem| ImportIssue {
            row: 0,
            column: None,
            problem,
        };
        let sheet = match read_sheet(bytes, REGISTRY_FILE_MAX_ROWS) {
            Ok((format, sheet)) => {
                report.format = format;
                sheet
            }
            Err(problem) => {
                add_issues(&mut report, vec![file_issue(problem)]);
                return self.store_import(report, Vec::new(), origin).await;
            }
        };
        report.rows = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
        let header = match read_header(&sheet.header, ELDERLY_COLUMNS, ELDERLY_EXPORT_ONLY) {
            Ok(header) => header,
            Err(issues) => {
                add_issues(&mut report, issues);
                return self.store_import(report, Vec::new(), origin).await;
            }
        };
        if sheet.rows.is_empty() {
            add_issues(&mut report, vec![file_issue(Problem::Required)]);
            return self.store_import(report, Vec::new(), origin).await;
        }

        let regions = RegionIndex::new(self.store.placed_regions().await?);
        let today = local_date_of(self.now());
        let mut issues = Vec::new();
        let mut drafts: Vec<(u32, ElderlyDraft)> = Vec::new();
        for (row, cells) in &sheet.rows {
            match check_elderly_row(&header, cells, &regions, today) {
                Ok(draft) => drafts.push((*row, draft)),
                Err(found) => {
                    issues.extend(found.into_iter().map(|(column, problem)| ImportIssue {
                        row: *row,
                        column: Some(column.into()),
                        problem,
                    }))
                }
            }
        }
        // Numbers no two people share: not twice in the file, not already stored.
        for (unique, column, value) in [
            (
                ElderlyUnique::IdNumber,
                "id_number",
                (|d: &ElderlyDraft| Some(d.id_number.clone())) as fn(&ElderlyDraft) -> _,
            ),
            (ElderlyUnique::ServiceCard, "service_card_no", |d| {
                Some(d.service_card_no.clone())
            }),
            (ElderlyUnique::OnekeyDevice, "onekey_device", |d| {
                d.onekey_device.clone()
            }),
        ] {
            let mut first_row: HashMap<String, u32> = HashMap::new();
            for (row, draft) in &drafts {
                if let Some(v) = value(draft) {
                    if let Some(first) = first_row.get(&v) {
                        issues.push(ImportIssue {
                            row: *row,
                            column: Some(column.into()),
                            problem: Problem::Duplicate { row: *first },
                        });
                    } else {
                        first_row.insert(v, *row);
                    }
                }
            }
            let values: Vec<String> = first_row.keys().cloned().collect();
            let taken = self.store.elderly_taken(unique, &values).await?;
            for (row, draft) in &drafts {
                if value(draft).is_some_and(|v| taken.contains(&v)) {
                    issues.push(ImportIssue {
                        row: *row,
                        column: Some(column.into()),
                        problem: Problem::Taken,
                    });
                }
            }
        }
        issues.sort_by(|a, b| a.row.cmp(&b.row).then(a.column.cmp(&b.column)));
        let bad: std::collections::HashSet<u32> = issues.iter().map(|i| i.row).collect();
        report.rejected = u32::try_from(bad.len()).unwrap_or(u32::MAX);
        add_issues(&mut report, issues);
        let keep = match mode {
            ImportMode::All if !bad.is_empty() => Vec::new(),
            _ => drafts
                .into_iter()
                .filter(|(row, _)| !bad.contains(row))
                .map(|(_, d)| d)
                .collect(),
        };
        self.store_import(report, keep, origin).await
    }

    /// One import's report (those who keep the registry).
    pub async fn import_report(
        &self,
        user: &StaffUser,
        id: i64,
    ) -> Result<ImportReport, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        self.store
            .import_report(id)
            .await?
            .filter(|r| r.registry == "elderly")
            .ok_or(ServiceError::NotFound)
    }

    /// The latest imports into the elderly registry, newest first, without their issues.
    pub async fn elderly_imports(
        &self,
        user: &StaffUser,
        limit: u32,
    ) -> Result<Vec<ImportReport>, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let mut reports = self
            .store
            .import_reports("elderly", limit.clamp(1, 100))
            .await?;
        for r in &mut reports {
            r.issues.clear();
        }
        Ok(reports)
    }

    /// Stores the people (if any), then the report with its audit entry. Up to
    /// [`IMPORT_PART`] people are stored in the report's transaction; more in parts first,
    /// undone if a later part fails.
    async fn store_import(
        &self,
        mut report: ImportReport,
        people: Vec<ElderlyDraft>,
        origin: &Origin,
    ) -> Result<ImportReport, ServiceError> {
        let now = self.now();
        report.imported = u32::try_from(people.len()).unwrap_or(u32::MAX);
        report.placed_at_region =
            u32::try_from(people.iter().filter(|d| d.placed_at_region).count()).unwrap_or(u32::MAX);
        report.committed = !people.is_empty();
        let id_numbers: Vec<String> = people.iter().map(|d| d.id_number.clone()).collect();
        let mut parts: Vec<Vec<ElderlyDraft>> = Vec::new();
        let mut people = people.into_iter().peekable();
        while people.peek().is_some() {
            parts.push(people.by_ref().take(IMPORT_PART).collect());
        }
        // The last part goes with the report; the ones before it are stored first.
        let last = parts.pop().unwrap_or_default();
        let mut stored = 0;
        for part in parts {
            let len = part.len();
            if let Err(e) = self.store_people(part, now).await {
                self.undo_import(&id_numbers[..stored]).await;
                return Err(e);
            }
            stored += len;
            if self.store.backend() == crate::store::Backend::Sqlite {
                tokio::time::sleep(SQLITE_PART_PAUSE).await;
            }
        }
        let after = serde_json::json!({
            "file_name": report.file_name,
            "format": report.format.as_code(),
            "mode": report.mode.as_code(),
            "rows": report.rows,
            "imported": report.imported,
            "rejected": report.rejected,
        });
        let action = if report.committed {
            "import"
        } else {
            "import_refused"
        };
        let audit = self.audit_entry(
            origin,
            action,
            "elderly_import",
            "",
            None,
            Some(after.to_string()),
        );
        let finish = async {
            let mut load = self.store.begin_load().await?;
            load.count_each_row();
            for d in last {
                load.insert_elderly(&new_elderly(d, now)).await?;
            }
            let id = load.insert_import(&report, &audit).await?;
            load.commit().await?;
            Ok::<i64, crate::StoreError>(id)
        };
        match finish.await {
            Ok(id) => {
                report.id = id;
                Ok(report)
            }
            Err(e) => {
                self.undo_import(&id_numbers[..stored]).await;
                Err(e.into())
            }
        }
    }

    /// One part of an import's people, in a transaction of its own.
    async fn store_people(
        &self,
        part: Vec<ElderlyDraft>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ServiceError> {
        let mut load = self.store.begin_load().await?;
        load.count_each_row();
        for d in part {
            load.insert_elderly(&new_elderly(d, now)).await?;
        }
        load.commit().await?;
        Ok(())
    }

    /// Removes the parts of a failed import that were stored (its people are new: no
    /// record refers to them yet). A failure here is logged; the import's error stands.
    async fn undo_import(&self, id_numbers: &[String]) {
        if id_numbers.is_empty() {
            return;
        }
        if let Err(e) = self.store.delete_elderly_by_id_number(id_numbers).await {
            tracing::error!(error = %e, people = id_numbers.len(), "undoing a failed import");
        }
    }
}

pub(crate) fn new_elderly(d: ElderlyDraft, now: chrono::DateTime<chrono::Utc>) -> NewElderly {
    NewElderly {
        name: d.name,
        gender: d.gender,
        birth_date: d.birth_date,
        id_number: d.id_number,
        identity_category: d.identity_category,
        service_card_no: d.service_card_no,
        district_code: d.district_code,
        street_code: d.street_code,
        village_code: d.village_code,
        address: d.address,
        phone: d.phone,
        onekey_phone: d.onekey_phone,
        onekey_device: d.onekey_device,
        health_notes: d.health_notes,
        medications: d.medications,
        contact_name: d.contact_name,
        contact_relation: d.contact_relation,
        contact_phone: d.contact_phone,
        lon: d.position.lon,
        lat: d.position.lat,
        created_at: now,
    }
}

/// The columns an export writes: the record's number, every import column, the join day.
fn export_columns() -> impl Iterator<Item = &'static hotline_domain::registry_io::Column> {
    ELDERLY_EXPORT_ONLY[..1]
        .iter()
        .chain(ELDERLY_COLUMNS)
        .chain(&ELDERLY_EXPORT_ONLY[1..])
}

/// A person's cells in [`export_columns`] order.
fn export_cells(row: &ElderlyExportRow, full_id: bool, health: bool) -> Vec<String> {
    let phone = |p: &Option<String>| match p {
        None => String::new(),
        Some(p) if full_id => p.clone(),
        Some(p) => mask_phone(p),
    };
    let private = |v: &Option<String>| {
        if health {
            v.clone().unwrap_or_default()
        } else {
            String::new()
        }
    };
    vec![
        row.id.to_string(),
        row.name.clone(),
        match row.gender.as_str() {
            "M" => "男".into(),
            "F" => "女".into(),
            other => other.into(),
        },
        row.birth_date.to_string(),
        if full_id {
            row.id_number.clone()
        } else {
            mask_id_number(&row.id_number)
        },
        row.identity_category.clone(),
        row.service_card_no.clone(),
        row.district_name.clone(),
        row.street_name.clone().unwrap_or_default(),
        row.village_name.clone().unwrap_or_default(),
        row.address.clone(),
        phone(&row.phone),
        phone(&row.onekey_phone),
        row.onekey_device.clone().unwrap_or_default(),
        row.contact_name.clone(),
        row.contact_relation.clone(),
        phone(&Some(row.contact_phone.clone())),
        private(&row.health_notes),
        private(&row.medications),
        format!("{:.6}", row.lon),
        format!("{:.6}", row.lat),
        local_date_of(row.created_at).to_string(),
    ]
}

/// Keeps the first [`IMPORT_ISSUES_KEPT`] issues and counts them all.
fn add_issues(report: &mut ImportReport, issues: Vec<ImportIssue>) {
    report.issues_total = report
        .issues_total
        .saturating_add(u32::try_from(issues.len()).unwrap_or(u32::MAX));
    let room = IMPORT_ISSUES_KEPT.saturating_sub(report.issues.len());
    report.issues.extend(issues.into_iter().take(room));
}

/// The name the file had on the uploader's machine, without folders or control characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    match clean.trim() {
        "" => "upload".into(),
        name => name.into(),
    }
}
