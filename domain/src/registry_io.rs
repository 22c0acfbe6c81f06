//! Registry files (SPEC R3): the columns of the elderly registry as a spreadsheet, the check
//! of one imported row, and the report an import answers with, row by row.
//!
//! An import is read as a header row naming the columns (by key or by their Chinese
//! heading, in any order) and one person per row. Each row is checked on its own here; what
//! needs the whole file or the stored registry (the same ID number twice) is checked by the
//! service.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::places::CITY_EXTENT;
use crate::{Coordinates, IdNumber, PhoneNumber, Problem, Region, ELDERLY_IDENTITY_CATEGORIES};

/// The most rows one import takes, and one export writes.
pub const REGISTRY_FILE_MAX_ROWS: usize = 100_000;
/// The issues a report keeps (it counts them all).
pub const IMPORT_ISSUES_KEPT: usize = 1_000;
/// The youngest age the elderly registry holds (老年人: 60 and over).
pub const ELDERLY_MIN_AGE: u32 = 60;

/// A column of a registry file: its key (the JSON and CSV name), its Chinese heading, and
/// whether an import needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub heading: &'static str,
    pub required: bool,
}

const fn column(key: &'static str, heading: &'static str, required: bool) -> Column {
    Column {
        key,
        heading,
        required,
    }
}

/// The elderly registry's columns, in the order an export writes them.
pub const ELDERLY_COLUMNS: &[Column] = &[
    column("name", "姓名", true),
    column("gender", "性别", false),
    column("birth_date", "出生日期", false),
    column("id_number", "身份证号", true),
    column("identity_category", "身份类别", true),
    column("service_card_no", "服务卡号", true),
    column("district", "区县", true),
    column("street", "街道乡镇", false),
    column("village", "社区村", false),
    column("address", "详细地址", true),
    column("phone", "本人电话", false),
    column("onekey_phone", "一键通电话", false),
    column("onekey_device", "一键通终端号", false),
    column("contact_name", "紧急联系人", true),
    column("contact_relation", "联系人关系", true),
    column("contact_phone", "联系人电话", true),
    column("health_notes", "健康状况", false),
    column("medications", "用药情况", false),
    column("lon", "经度", false),
    column("lat", "纬度", false),
];

/// Columns an export adds that an import reads past (so an exported file imports back).
pub const ELDERLY_EXPORT_ONLY: &[Column] = &[
    column("id", "档案编号", false),
    column("joined_on", "登记日期", false),
];

/// All or nothing (the default), or store the good rows and report the others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    #[default]
    All,
    SkipBadRows,
}

impl ImportMode {
    /// `all` (or nothing) and `skip`.
    pub fn parse(text: &str) -> Result<ImportMode, Problem> {
        match text.trim() {
            "" | "all" => Ok(ImportMode::All),
            "skip" | "skip_bad_rows" => Ok(ImportMode::SkipBadRows),
            _ => Err(Problem::Unknown),
        }
    }

    pub fn as_code(self) -> &'static str {
        match self {
            ImportMode::All => "all",
            ImportMode::SkipBadRows => "skip",
        }
    }
}

/// The two spreadsheet forms the registries read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub fn parse(text: &str) -> Result<FileFormat, Problem> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "csv" => Ok(FileFormat::Csv),
            "xlsx" => Ok(FileFormat::Xlsx),
            _ => Err(Problem::Unknown),
        }
    }

    pub fn as_code(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

/// One thing wrong in an imported file: the spreadsheet row (1 is the header, 0 the file
/// as a whole), the column's key (none for the row or file as a whole), what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportIssue {
    pub row: u32,
    pub column: Option<String>,
    pub problem: Problem,
}

/// What an import did, as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    /// `elderly`.
    pub registry: String,
    pub file_name: String,
    pub format: FileFormat,
    pub mode: ImportMode,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// Data rows read (blank rows not counted).
    pub rows: u32,
    /// Rows stored.
    pub imported: u32,
    /// Rows left out for their issues (skip mode; in all-or-nothing mode every row is left
    /// out when any has an issue).
    pub rejected: u32,
    /// Of the stored rows, those placed at their region's centre for want of a position.
    pub placed_at_region: u32,
    /// Whether anything was stored.
    pub committed: bool,
    /// The first [`IMPORT_ISSUES_KEPT`] issues, by row.
    pub issues: Vec<ImportIssue>,
    pub issues_total: u32,
}

/// The column a cell holds, found from the header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// `index[k]`: the file column of `ELDERLY_COLUMNS[k]`, if the file has it.
    index: Vec<Option<usize>>,
}

/// Reads the header row: each heading a column's key or Chinese heading (case and spaces
/// around ignored). Unknown or repeated headings and missing required columns are issues
/// of row 1.
pub fn read_header(
    headings: &[String],
    columns: &[Column],
    ignored: &[Column],
) -> Result<HeaderMap, Vec<ImportIssue>> {
    let mut index = vec![None; columns.len()];
    let mut issues = Vec::new();
    let header_issue = |column: &str, problem| ImportIssue {
        row: 1,
        column: Some(column.to_string()),
        problem,
    };
    for (at, heading) in headings.iter().enumerate() {
        let text = heading.trim().trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        let matches = |c: &Column| c.key.eq_ignore_ascii_case(text) || c.heading == text;
        if let Some(k) = columns.iter().position(matches) {
            if index[k].is_some() {
                issues.push(header_issue(columns[k].key, Problem::Taken));
            } else {
                index[k] = Some(at);
            }
        } else if !ignored.iter().any(matches) {
            issues.push(header_issue(text, Problem::UnknownColumn));
        }
    }
    for (k, c) in columns.iter().enumerate() {
        if c.required && index[k].is_none() {
            issues.push(header_issue(c.key, Problem::MissingColumn));
        }
    }
    if issues.is_empty() {
        Ok(HeaderMap { index })
    } else {
        Err(issues)
    }
}

impl HeaderMap {
    /// The cell of `key` in a row ("" when the file has no such column or the row is short).
    fn cell<'r>(&self, columns: &[Column], row: &'r [String], key: &str) -> &'r str {
        columns
            .iter()
            .position(|c| c.key == key)
            .and_then(|k| self.index[k])
            .and_then(|at| row.get(at))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

impl HeaderMap {
    /// Every column in its own place: a row whose cells come in `columns` order (a form's
    /// fields rather than a file's).
    fn in_order(columns: &[Column]) -> HeaderMap {
        HeaderMap {
            index: (0..columns.len()).map(Some).collect(),
        }
    }
}

/// Checks a person typed into the record's form (or sent as JSON) by the same rules as an
/// imported row, each problem named by its field (the column's key). Numbers no two people
/// share are the service's to check against the stored registry.
pub fn check_elderly_input(
    input: &crate::ElderlyInput,
    regions: &RegionIndex,
    today: NaiveDate,
) -> Result<ElderlyDraft, crate::FieldErrors> {
    let cells: Vec<String> = ELDERLY_COLUMNS
        .iter()
        .map(|c| input.field(c.key).to_string())
        .collect();
    check_elderly_row(
        &HeaderMap::in_order(ELDERLY_COLUMNS),
        &cells,
        regions,
        today,
    )
    .map_err(|issues| {
        let mut errors = crate::FieldErrors::new();
        for (field, problem) in issues {
            errors.add(field, problem);
        }
        errors
    })
}

/// The regions an import names, by code and by name under their parent, with the position
/// a person without one is placed at.
#[derive(Debug, Clone, Default)]
pub struct RegionIndex {
    by_code: HashMap<String, (Region, Option<Coordinates>)>,
    by_name: HashMap<String, Vec<String>>,
}

impl RegionIndex {
    pub fn new(regions: impl IntoIterator<Item = (Region, Option<Coordinates>)>) -> RegionIndex {
        let mut index = RegionIndex::default();
        for (region, at) in regions {
            index
                .by_name
                .entry(region.name.clone())
                .or_default()
                .push(region.code.clone());
            index.by_code.insert(region.code.clone(), (region, at));
        }
        index
    }

    /// The region with this code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code).map(|(r, _)| r)
    }

    /// A region of `level` under `parent` (any ancestor), named by its code or its name.
    fn find(&self, text: &str, level: u8, parent: Option<&str>) -> Option<&Region> {
        let under = |r: &Region| match parent {
            None => true,
            Some(p) => self.is_under(&r.code, p),
        };
        if let Some((r, _)) = self.by_code.get(text) {
            return (r.level == level && under(r)).then_some(r);
        }
        // By name, under the parent (a village named without its street is found under
        // the district); a name two such regions share is not an answer.
        let candidates: Vec<&Region> = self
            .by_name
            .get(text)
            .into_iter()
            .flatten()
            .filter_map(|c| self.by_code.get(c).map(|(r, _)| r))
            .filter(|r| r.level == level && under(r))
            .collect();
        match candidates.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Whether `ancestor` is above `code` in the region tree.
    pub fn is_under(&self, code: &str, ancestor: &str) -> bool {
        let mut at = self
            .by_code
            .get(code)
            .and_then(|(r, _)| r.parent_code.clone());
        while let Some(c) = at {
            if c == ancestor {
                return true;
            }
            at = self
                .by_code
                .get(&c)
                .and_then(|(r, _)| r.parent_code.clone());
        }
        false
    }

    /// The position of the region or, lacking one, of its nearest ancestor with one.
    pub fn position(&self, code: &str) -> Option<Coordinates> {
        let mut at = Some(code.to_string());
        while let Some(c) = at {
            let (region, position) = self.by_code.get(&c)?;
            if let Some(p) = position {
                return Some(*p);
            }
            at = region.parent_code.clone();
        }
        None
    }
}

/// A checked row of the elderly registry, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ElderlyDraft {
    pub name: String,
    /// `M` or `F`.
    pub gender: String,
    pub birth_date: NaiveDate,
    pub id_number: String,
    pub identity_category: String,
    pub service_card_no: String,
    pub district_code: String,
    pub street_code: Option<String>,
    pub village_code: Option<String>,
    pub address: String,
    pub phone: Option<String>,
    pub onekey_phone: Option<String>,
    pub onekey_device: Option<String>,
    pub contact_name: String,
    pub contact_relation: String,
    pub contact_phone: String,
    pub health_notes: Option<String>,
    pub medications: Option<String>,
    pub position: Coordinates,
    /// No position was given: placed at its region's.
    pub placed_at_region: bool,
}

/// Checks one data row against the elderly registry's rules: every problem found, by column.
pub fn check_elderly_row(
    header: &HeaderMap,
    row: &[String],
    regions: &RegionIndex,
    today: NaiveDate,
) -> Result<ElderlyDraft, Vec<(&'static str, Problem)>> {
    let cell = |key: &str| header.cell(ELDERLY_COLUMNS, row, key);
    let mut issues: Vec<(&'static str, Problem)> = Vec::new();
    let mut text = |key: &'static str, max: usize, required: bool| -> Option<String> {
        let value = cell(key);
        if value.is_empty() {
            if required {
                issues.push((key, Problem::Required));
            }
            None
        } else if value.chars().count() > max {
            issues.push((key, Problem::TooLong { max }));
            None
        } else if value.chars().any(char::is_control) {
            issues.push((key, Problem::BadCharacters));
            None
        } else {
            Some(value.to_string())
        }
    };
    let name = text("name", 40, true);
    let address = text("address", 200, true);
    let contact_name = text("contact_name", 40, true);
    let contact_relation = text("contact_relation", 20, true);
    let health_notes = text("health_notes", 500, false);
    let medications = text("medications", 500, false);

    let mut phone = |key: &'static str, required: bool| -> Option<String> {
        match (cell(key), required) {
            ("", false) => None,
            (value, _) => match PhoneNumber::parse(value) {
                Ok(p) => Some(p.as_str().to_string()),
                Err(problem) => {
                    issues.push((key, problem));
                    None
                }
            },
        }
    };
    let own_phone = phone("phone", false);
    let onekey_phone = phone("onekey_phone", false);
    let contact_phone = phone("contact_phone", true);

    let id = match cell("id_number") {
        "" => {
            issues.push(("id_number", Problem::Required));
            None
        }
        value => match IdNumber::parse(value) {
            Ok(id) => Some(id),
            Err(_) => {
                issues.push(("id_number", Problem::BadIdNumber));
                None
            }
        },
    };
    // Sex and birth date are in the ID number; where the file gives them too they agree.
    let id_gender = id.as_ref().map(|id| {
        let order = id.as_str().as_bytes()[16] - b'0';
        if order % 2 == 1 {
            "M"
        } else {
            "F"
        }
    });
    let gender = match cell("gender").to_lowercase().as_str() {
        "" => id_gender,
        "男" | "m" | "male" => Some("M"),
        "女" | "f" | "female" => Some("F"),
        _ => {
            issues.push(("gender", Problem::Unknown));
            None
        }
    };
    if let (Some(given), Some(from_id)) = (gender, id_gender) {
        if given != from_id {
            issues.push(("gender", Problem::Mismatch));
        }
    }
    let birth_date = match cell("birth_date") {
        "" => id.as_ref().map(IdNumber::birth_date),
        value => match parse_day(value) {
            Some(day) => {
                if id.as_ref().is_some_and(|id| id.birth_date() != day) {
                    issues.push(("birth_date", Problem::Mismatch));
                }
                Some(day)
            }
            None => {
                issues.push(("birth_date", Problem::BadDate));
                None
            }
        },
    };
    if let Some(born) = birth_date {
        let age = age_on(born, today);
        if !(i64::from(ELDERLY_MIN_AGE)..=150).contains(&age) {
            let column = if cell("birth_date").is_empty() {
                "id_number"
            } else {
                "birth_date"
            };
            issues.push((
                column,
                Problem::OutOfRange {
                    min: i64::from(ELDERLY_MIN_AGE),
                    max: 150,
                },
            ));
        }
    }

    let identity_category = match cell("identity_category") {
        "" => {
            issues.push(("identity_category", Problem::Required));
            None
        }
        c if ELDERLY_IDENTITY_CATEGORIES.contains(&c) => Some(c.to_string()),
        _ => {
            issues.push(("identity_category", Problem::Unknown));
            None
        }
    };
    let mut code = |key: &'static str, max: usize, required: bool| -> Option<String> {
        let value = cell(key);
        if value.is_empty() {
            if required {
                issues.push((key, Problem::Required));
            }
            return None;
        }
        let value = value.to_ascii_uppercase();
        if value.len() > max
            || !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            issues.push((key, Problem::BadCode));
            None
        } else {
            Some(value)
        }
    };
    let service_card_no = code("service_card_no", 16, true);
    let onekey_device = code("onekey_device", 16, false);

    let district = match cell("district") {
        "" => {
            issues.push(("district", Problem::Required));
            None
        }
        value => {
            let found = regions.find(value, 2, None);
            if found.is_none() {
                issues.push(("district", Problem::Unknown));
            }
            found
        }
    };
    let street = match (cell("street"), district) {
        ("", _) | (_, None) => None,
        (value, Some(d)) => {
            let found = regions.find(value, 3, Some(&d.code));
            if found.is_none() {
                issues.push(("street", Problem::Unknown));
            }
            found
        }
    };
    let village = match (cell("village"), street.or(district)) {
        ("", _) | (_, None) => None,
        (value, Some(parent)) => {
            let found = regions.find(value, 4, Some(&parent.code));
            if found.is_none() {
                issues.push(("village", Problem::Unknown));
            }
            found
        }
    };
    // A village named without its street still tells the street.
    let street_code = street
        .map(|s| s.code.clone())
        .or_else(|| village.and_then(|v| v.parent_code.clone()));

    let number = |key: &'static str, issues: &mut Vec<(&'static str, Problem)>| match cell(key) {
        "" => None,
        value => match value.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                issues.push((key, Problem::Unknown));
                None
            }
        },
    };
    let lon = number("lon", &mut issues);
    let lat = number("lat", &mut issues);
    let given = match (lon, lat, cell("lon").is_empty(), cell("lat").is_empty()) {
        (Some(lon), Some(lat), _, _) => {
            let mut inside = true;
            if !(CITY_EXTENT.west..=CITY_EXTENT.east).contains(&lon) {
                issues.push(("lon", Problem::OutsideCity));
                inside = false;
            }
            if !(CITY_EXTENT.south..=CITY_EXTENT.north).contains(&lat) {
                issues.push(("lat", Problem::OutsideCity));
                inside = false;
            }
            inside.then_some(Coordinates { lon, lat })
        }
        (_, _, false, true) => {
            issues.push(("lat", Problem::Required));
            None
        }
        (_, _, true, false) => {
            issues.push(("lon", Problem::Required));
            None
        }
        _ => None,
    };
    let placed = village
        .or(street)
        .or(district)
        .and_then(|r| regions.position(&r.code));
    let (position, placed_at_region) = match (given, placed) {
        (Some(p), _) => (Some(p), false),
        (None, Some(p)) if cell("lon").is_empty() && cell("lat").is_empty() => (Some(p), true),
        _ => (None, false),
    };

    if !issues.is_empty() {
        return Err(issues);
    }
    match (
        name,
        gender,
        birth_date,
        id,
        identity_category,
        service_card_no,
        district,
        address,
        contact_name,
        contact_relation,
        contact_phone,
        position,
    ) {
        (
            Some(name),
            Some(gender),
            Some(birth_date),
            Some(id),
            Some(identity_category),
            Some(service_card_no),
            Some(district),
            Some(address),
            Some(contact_name),
            Some(contact_relation),
            Some(contact_phone),
            Some(position),
        ) => Ok(ElderlyDraft {
            name,
            gender: gender.to_string(),
            birth_date,
            id_number: id.as_str().to_string(),
            identity_category,
            service_card_no,
            district_code: district.code.clone(),
            street_code,
            village_code: village.map(|v| v.code.clone()),
            address,
            phone: own_phone,
            onekey_phone,
            onekey_device,
            contact_name,
            contact_relation,
            contact_phone,
            health_notes,
            medications,
            position,
            placed_at_region,
        }),
        // Every missing value above recorded its issue, except a district without a
        // position anywhere up its line.
        _ => Err(vec![("district", Problem::NoLocation)]),
    }
}

/// `2026-12-07`, `2026/12/07`, `2026.12.07` or `20261207`.
fn parse_day(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// Whole years from `born` to `today`.
fn age_on(born: NaiveDate, today: NaiveDate) -> i64 {
    let mut age = i64::from(today.year() - born.year());
    if (today.month(), today.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> RegionIndex {
        let region = |code: &str, parent: Option<&str>, level: u8, name: &str| Region {
            code: code.into(),
            parent_code: parent.map(Into::into),
            level,
            name: name.into(),
        };
        RegionIndex::new([
            (region("6104", None, 1, "咸阳市"), None),
            (
                region("610402", Some("6104"), 2, "秦都区"),
                Some(Coordinates {
                    lon: 108.7,
                    lat: 34.35,
                }),
            ),
            (region("610404", Some("6104"), 2, "渭城区"), None),
            (region("610402001", Some("610402"), 3, "人民路街道"), None),
            (region("610404001", Some("610404"), 3, "人民路街道"), None),
            (
                region("610402001001", Some("610402001"), 4, "团结社区"),
                None,
            ),
        ])
    }

    fn header(headings: &[&str]) -> HeaderMap {
        let headings: Vec<String> = headings.iter().map(|h| h.to_string()).collect();
        read_header(&headings, ELDERLY_COLUMNS, ELDERLY_EXPORT_ONLY).unwrap()
    }

    const HEADINGS: &[&str] = &[
        "姓名",
        "身份证号",
        "身份类别",
        "服务卡号",
        "区县",
        "街道乡镇",
        "社区村",
        "详细地址",
        "紧急联系人",
        "联系人关系",
        "联系人电话",
        "性别",
        "出生日期",
    ];

    /// 张秀英, a woman born 1950-03-01 (check character computed).
    fn good_row() -> Vec<String> {
        let body = "61040219500301002";
        let id = format!("{body}{}", IdNumber::check_digit(body));
        [
            "张秀英",
            id.as_str(),
            "独居",
            "xy00000001",
            "秦都区",
            "人民路街道",
            "团结社区",
            "人民路 12 号",
            "王强",
            "儿子",
            "139 1234 5678",
            "女",
            "1950/03/01",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    #[test]
    fn a_typed_person_is_checked_like_a_row_with_problems_named_by_field() {
        // Every column has its field: a form filled with each key's name gives it back.
        let mut named = crate::ElderlyInput::default();
        for c in ELDERLY_COLUMNS {
            assert_eq!(named.field(c.key), "", "{}", c.key);
        }
        named.name = "name".into();
        named.lat = "lat".into();
        assert_eq!(named.field("name"), "name");
        assert_eq!(named.field("lat"), "lat");

        let row = good_row();
        let header = header(HEADINGS);
        let mut input = crate::ElderlyInput::default();
        for (at, heading) in HEADINGS.iter().enumerate() {
            let key = ELDERLY_COLUMNS
                .iter()
                .find(|c| c.heading == *heading)
                .unwrap()
                .key;
            let value = row[at].clone();
            match key {
                "name" => input.name = value,
                "id_number" => input.id_number = value,
                "identity_category" => input.identity_category = value,
                "service_card_no" => input.service_card_no = value,
                "district" => input.district = value,
                "street" => input.street = value,
                "village" => input.village = value,
                "address" => input.address = value,
                "contact_name" => input.contact_name = value,
                "contact_relation" => input.contact_relation = value,
                "contact_phone" => input.contact_phone = value,
                "gender" => input.gender = value,
                "birth_date" => input.birth_date = value,
                other => panic!("{other}"),
            }
        }
        let typed = check_elderly_input(&input, &regions(), today()).unwrap();
        let read = check_elderly_row(&header, &row, &regions(), today()).unwrap();
        assert_eq!(typed, read);

        input.contact_phone = "12".into();
        input.lon = "108.7".into();
        input.village = "没有的社区".into();
        let errors = check_elderly_input(&input, &regions(), today()).unwrap_err();
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["contact_phone", "lat", "village"]);
    }

    #[test]
    fn a_good_row_becomes_a_draft_placed_at_its_district() {
        let draft = check_elderly_row(&header(HEADINGS), &good_row(), &regions(), today()).unwrap();
        assert_eq!(draft.gender, "F");
        assert_eq!(
            draft.birth_date,
            NaiveDate::from_ymd_opt(1950, 3, 1).unwrap()
        );
        assert_eq!(draft.service_card_no, "XY00000001");
        assert_eq!(draft.street_code.as_deref(), Some("610402001"));
        assert_eq!(draft.village_code.as_deref(), Some("610402001001"));
        assert_eq!(draft.contact_phone, "13912345678");
        assert!(draft.placed_at_region);
        assert_eq!(draft.position.lon, 108.7);
    }

    #[test]
    fn each_bad_cell_is_named() {
        let mut row = good_row();
        row[1] = "610402195003010029".into(); // wrong check character
        row[2] = "富人".into();
        row[5] = "不存在街道".into();
        row[10] = "12345".into();
        row[7] = String::new();
        let issues = check_elderly_row(&header(HEADINGS), &row, &regions(), today()).unwrap_err();
        let columns: Vec<&str> = issues.iter().map(|(c, _)| *c).collect();
        for expected in [
            "id_number",
            "identity_category",
            "street",
            "contact_phone",
            "address",
        ] {
            assert!(columns.contains(&expected), "{expected} in {columns:?}");
        }
    }

    #[test]
    fn sex_and_birth_date_must_agree_with_the_id_number_and_the_person_be_sixty() {
        let mut row = good_row();
        row[11] = "男".into();
        row[12] = "1950-03-02".into();
        let issues = check_elderly_row(&header(HEADINGS), &row, &regions(), today()).unwrap_err();
        assert!(issues.contains(&("gender", Problem::Mismatch)));
        assert!(issues.contains(&("birth_date", Problem::Mismatch)));

        let mut young = good_row();
        let body = "61040219700301002";
        young[1] = format!("{body}{}", IdNumber::check_digit(body));
        young[12] = String::new();
        let issues = check_elderly_row(&header(HEADINGS), &young, &regions(), today()).unwrap_err();
        assert_eq!(
            issues,
            vec![("id_number", Problem::OutOfRange { min: 60, max: 150 })]
        );
    }

    #[test]
    fn a_street_name_two_districts_share_is_found_under_the_district_given() {
        let mut row = good_row();
        row[4] = "渭城区".into();
        row[6] = String::new();
        // 渭城区 has no position of its own, nor has the city: no place to put them.
        let issues = check_elderly_row(&header(HEADINGS), &row, &regions(), today()).unwrap_err();
        assert_eq!(issues, vec![("district", Problem::NoLocation)]);
        row.extend(["108.71".to_string(), "34.36".to_string()]);
        let mut headings = HEADINGS.to_vec();
        headings.extend(["经度", "纬度"]);
        let draft = check_elderly_row(&header(&headings), &row, &regions(), today()).unwrap();
        assert_eq!(draft.street_code.as_deref(), Some("610404001"));
        assert!(!draft.placed_at_region);
    }

    #[test]
    fn positions_come_in_pairs_inside_the_city() {
        let mut headings = HEADINGS.to_vec();
        headings.extend(["lon", "LAT"]);
        let mut row = good_row();
        row.extend(["116.4".to_string(), String::new()]);
        let issues = check_elderly_row(&header(&headings), &row, &regions(), today()).unwrap_err();
        assert_eq!(issues, vec![("lat", Problem::Required)]);
        row[14] = "39.9".into();
        let issues = check_elderly_row(&header(&headings), &row, &regions(), today()).unwrap_err();
        assert!(issues.contains(&("lon", Problem::OutsideCity)));
    }

    #[test]
    fn the_header_names_unknown_repeated_and_missing_columns() {
        let headings: Vec<String> = ["姓名", "name", "年龄", "档案编号", "身份证号"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let issues = read_header(&headings, ELDERLY_COLUMNS, ELDERLY_EXPORT_ONLY).unwrap_err();
        assert!(issues.contains(&ImportIssue {
            row: 1,
            column: Some("name".into()),
            problem: Problem::Taken
        }));
        assert!(issues.contains(&ImportIssue {
            row: 1,
            column: Some("年龄".into()),
            problem: Problem::UnknownColumn
        }));
        assert!(issues.contains(&ImportIssue {
            row: 1,
            column: Some("address".into()),
            problem: Problem::MissingColumn
        }));
        assert!(!issues
            .iter()
            .any(|i| i.column.as_deref() == Some("档案编号")));
    }

    #[test]
    fn modes_and_formats_parse() {
        assert_eq!(ImportMode::parse(""), Ok(ImportMode::All));
        assert_eq!(ImportMode::parse("skip"), Ok(ImportMode::SkipBadRows));
        assert_eq!(ImportMode::parse("some"), Err(Problem::Unknown));
        assert_eq!(FileFormat::parse("XLSX"), Ok(FileFormat::Xlsx));
        assert_eq!(FileFormat::parse("pdf"), Err(Problem::Unknown));
    }
}
