//! Seed data shipped in the repository: the service catalogue and the Xianyang region code
//! table (public data, see `data/*/README.md`), and the generated demo data set.
//!
//! Code tables are loaded only into empty tables: after that they belong to the
//! administrators who edit them (SPEC X3), and a restart must not undo their edits.

pub mod demo;
mod geo;
pub mod knowledge;

use hotline_domain::{Category, Region};

use crate::store::{RegionSeed, Store, StoreError};

pub use geo::{DistrictShape, Point};

const CATALOGUE_CSV: &str = include_str!("../../../data/catalogue/service_catalogue.csv");
const REGIONS_CSV: &str = include_str!("../../../data/regions/xianyang.csv");
const DISTRICTS_GEOJSON: &str = include_str!("../../../data/regions/xianyang-districts.geojson");

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file {file}, line {line}: {message}")]
    Malformed {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

fn malformed(file: &'static str, line: usize, message: impl Into<String>) -> SeedError {
    SeedError::Malformed {
        file,
        line,
        message: message.into(),
    }
}

/// Reads a CSV with a header row into records, reporting the line of any bad row.
fn records(file: &'static str, text: &str) -> Result<Vec<(usize, csv::StringRecord)>, SeedError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            r.map(|rec| (i + 2, rec))
                .map_err(|e| malformed(file, i + 2, e.to_string()))
        })
        .collect()
}

fn level(file: &'static str, line: usize, raw: &str) -> Result<u8, SeedError> {
    match raw.trim().parse::<u8>() {
        Ok(l @ 1..=4) => Ok(l),
        _ => Err(malformed(file, line, format!("level {raw:?} is not 1–4"))),
    }
}

fn parent(raw: &str) -> Option<String> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.to_string())
}

/// The service catalogue as shipped (`data/catalogue/service_catalogue.csv`).
pub fn catalogue() -> Result<Vec<Category>, SeedError> {
    let mut categories = catalogue_rows()?;
    for c in &mut categories {
        c.urgent = URGENT_CATEGORIES.contains(&c.code.as_str());
    }
    Ok(categories)
}

/// Categories whose cases are urgent unless the agent says otherwise (W9): gas leaks,
/// damaged power lines, missing manhole covers, floods. Administrators change the marks on
/// the code-table page; migration 0014 sets the same ones in a database from before.
pub const URGENT_CATEGORIES: &[&str] = &["080301", "080204", "080602", "0811"];

fn catalogue_rows() -> Result<Vec<Category>, SeedError> {
    const FILE: &str = "data/catalogue/service_catalogue.csv";
    records(FILE, CATALOGUE_CSV)?
        .into_iter()
        .map(|(line, rec)| {
            let category = Category {
                code: rec.get(0).unwrap_or_default().trim().to_string(),
                parent_code: parent(rec.get(1).unwrap_or_default()),
                level: level(FILE, line, rec.get(2).unwrap_or_default())?,
                name_zh: rec.get(3).unwrap_or_default().trim().to_string(),
                name_en: rec.get(4).unwrap_or_default().trim().to_string(),
                urgent: false,
            };
            if !Category::is_well_formed_code(&category.code)
                || category.code.len() != usize::from(category.level) * 2
            {
                return Err(malformed(
                    FILE,
                    line,
                    format!(
                        "code {:?} does not fit level {}",
                        category.code, category.level
                    ),
                ));
            }
            if category.name_zh.is_empty() || category.name_en.is_empty() {
                return Err(malformed(FILE, line, "a name is empty"));
            }
            Ok(category)
        })
        .collect()
}

/// The Xianyang region code table, with map positions for the districts.
pub fn regions() -> Result<Vec<RegionSeed>, SeedError> {
    const FILE: &str = "data/regions/xianyang.csv";
    let shapes = district_shapes()?;
    records(FILE, REGIONS_CSV)?
        .into_iter()
        .map(|(line, rec)| {
            let region = Region {
                code: rec.get(0).unwrap_or_default().trim().to_string(),
                parent_code: parent(rec.get(1).unwrap_or_default()),
                level: level(FILE, line, rec.get(2).unwrap_or_default())?,
                name: rec.get(3).unwrap_or_default().trim().to_string(),
            };
            if region.code.is_empty() || region.name.is_empty() {
                return Err(malformed(FILE, line, "code or name is empty"));
            }
            let center = shapes
                .iter()
                .find(|s| s.code == region.code)
                .map(|s| s.center);
            Ok(RegionSeed {
                region,
                lon: center.map(|c| c.lon),
                lat: center.map(|c| c.lat),
            })
        })
        .collect()
}

/// The district and county outlines as shipped: a GeoJSON FeatureCollection whose features
/// carry `name`, `code` and `center` (a point inside the district, for its label). The map
/// draws them as its base layer.
pub fn district_outlines() -> &'static str {
    DISTRICTS_GEOJSON
}

/// District and county outlines (`data/regions/xianyang-districts.geojson`).
pub fn district_shapes() -> Result<Vec<DistrictShape>, SeedError> {
    geo::parse_districts(DISTRICTS_GEOJSON)
        .map_err(|e| malformed("data/regions/xianyang-districts.geojson", 0, e))
}

/// Loads the catalogue and the regions into whichever of their tables is empty. Returns
/// the tables loaded and the rows written to each.
/// Loads the shipped code tables into empty tables; `at` stamps the audit entries.
pub async fn load_code_tables(
    store: &dyn Store,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(&'static str, u64)>, SeedError> {
    let counts = store.counts().await?;
    let mut loaded = Vec::new();
    if counts.regions == 0 {
        let written = store.load_regions(&regions()?).await?;
        tracing::info!(written, "region code table loaded");
        loaded.push(("regions", written));
    }
    if counts.categories == 0 {
        let written = store.load_categories(&catalogue()?).await?;
        tracing::info!(written, "service catalogue loaded");
        loaded.push(("service_categories", written));
    }
    if store.dispositions().await?.is_empty() {
        for (code, name_zh, name_en) in DISPOSITIONS {
            let entry = hotline_domain::CodeEntry {
                code: code.to_string(),
                parent_code: None,
                level: 1,
                name_zh: name_zh.to_string(),
                name_en: name_en.to_string(),
                active: true,
                urgent: false,
                limits: Default::default(),
            };
            store
                .save_disposition(
                    &entry,
                    &crate::audit::NewAuditEntry {
                        at,
                        origin: crate::Origin::system(),
                        action: "load".into(),
                        object_type: "disposition".into(),
                        object_id: code.to_string(),
                        before: None,
                        after: serde_json::to_string(&entry).ok(),
                    },
                )
                .await?;
        }
        loaded.push(("dispositions", DISPOSITIONS.len() as u64));
    }
    if store.kb_categories().await?.is_empty() {
        let written = store.kb_seed_categories(knowledge::CATEGORIES).await?;
        loaded.push(("kb_categories", written));
    }
    Ok(loaded)
}

/// The dispositions (办理结果) a new installation starts with; administrators edit them.
pub const DISPOSITIONS: &[(&str, &str, &str)] = &[
    ("01", "已解决", "Resolved"),
    ("02", "已答复解释", "Answered and explained"),
    ("03", "部分解决", "Partly resolved"),
    ("04", "未解决", "Not resolved"),
    ("05", "不属于受理范围", "Outside the centre's remit"),
    ("06", "重复来电", "Duplicate of an open case"),
    ("07", "无效来电", "Invalid call"),
    ("08", "转其他渠道办理", "Referred to another channel"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_has_four_levels_and_twenty_majors() {
        let catalogue = catalogue().unwrap();
        let count = |l| catalogue.iter().filter(|c| c.level == l).count();
        assert_eq!(count(1), 20);
        assert!(count(2) >= 200, "{} minor categories", count(2));
        assert!(count(3) > 0 && count(4) > 0);
        for c in &catalogue {
            if let Some(p) = &c.parent_code {
                assert!(c.code.starts_with(p.as_str()), "{} under {}", c.code, p);
                assert!(catalogue
                    .iter()
                    .any(|x| &x.code == p && x.level + 1 == c.level));
            }
        }
    }

    #[test]
    fn the_shipped_regions_are_xianyang_with_fourteen_placed_districts() {
        let regions = regions().unwrap();
        let districts: Vec<_> = regions.iter().filter(|r| r.region.level == 2).collect();
        assert_eq!(districts.len(), 14);
        assert!(districts
            .iter()
            .all(|d| d.region.code.starts_with("6104") && d.lon.is_some()));
        assert!(regions.iter().any(|r| r.region.name == "秦都区"));
        let codes: std::collections::HashSet<_> = regions.iter().map(|r| &r.region.code).collect();
        for r in &regions {
            if let Some(p) = &r.region.parent_code {
                assert!(codes.contains(p), "parent {p} of {} missing", r.region.code);
            }
        }
    }
}
