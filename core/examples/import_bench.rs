//! Registry file benchmark (SPEC R3): into a registry that already holds `existing` people,
//! imports a file of `rows` new people (CSV, all or nothing) on SQLite and on PostgreSQL,
//! while a second task keeps asking for a registry page and saving a caller mark, and
//! reports how long the import took and what those other requests waited meanwhile. Then
//! exports everyone as CSV and as XLSX, and reads an XLSX of the same rows.
//!
//!     cargo run --release -p hotline-core --example import_bench -- [rows] [existing]
//!
//! `bash scripts/bench.sh import` runs it with the figures BENCHMARKS.md reports.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hotline_core::store::ClientRecord;
use hotline_core::tabular::{read_sheet, write_csv, write_xlsx};
use hotline_core::testing::{sample_elderly, staff, TestDatabase};
use hotline_core::{FixedClock, Origin};
use hotline_domain::{
    Coordinates, ElderlyQuery, FileFormat, IdNumber, ImportMode, Role, REGISTRY_FILE_MAX_ROWS,
};

const HEADER: &[&str] = &[
    "姓名",
    "身份证号",
    "身份类别",
    "服务卡号",
    "区县",
    "详细地址",
    "本人电话",
    "紧急联系人",
    "联系人关系",
    "联系人电话",
    "健康状况",
    "经度",
    "纬度",
];

fn now() -> DateTime<Utc> {
    "2026-12-07T02:00:00Z".parse().unwrap()
}

/// The `i`th person of the file: a valid ID number (birth dates over 27 years from 1930,
/// a thousand people a day), a district by turns, a position near its centre.
fn person(i: usize, districts: &[(String, Coordinates)]) -> Vec<String> {
    let born = chrono::NaiveDate::from_ymd_opt(1930, 1, 1).unwrap()
        + chrono::Duration::days((i / 1000) as i64 % 10_000);
    let body = format!("610402{}{:03}", born.format("%Y%m%d"), i % 1000);
    let id = format!("{body}{}", IdNumber::check_digit(&body));
    let (district, centre) = &districts[i % districts.len()];
    let jitter = (i % 97) as f64 / 97.0 * 0.02 - 0.01;
    vec![
        format!("测试{}", i % 5000),
        id,
        "独居".into(),
        format!("XB{i:08}"),
        district.clone(),
        format!("幸福路 {} 号", i % 300),
        format!("139{:08}", i % 100_000_000),
        "王强".into(),
        "儿子".into(),
        "13800002222".into(),
        "高血压".into(),
        format!("{:.6}", centre.lon + jitter),
        format!("{:.6}", centre.lat - jitter),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run(db: TestDatabase, backend: &str, rows: &[Vec<String>], existing: usize) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let mut load = h.store.begin_load().await.unwrap();
    let at = Coordinates {
        lon: 108.7,
        lat: 34.33,
    };
    for n in 0..existing {
        load.insert_elderly(&sample_elderly("王秀兰", 10_000_000 + n, at))
            .await
            .unwrap();
    }
    load.commit().await.unwrap();
    let care = staff(Role::Coordinator, None, None);
    let origin = Origin {
        actor: "user:care".into(),
        address: None,
    };
    let file = write_csv(HEADER, rows).unwrap();

    // Meanwhile: a registry page and a caller mark, one after the other, until the import
    // is done.
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let side = {
        let (h, care, done) = (h.clone(), care.clone(), done.clone());
        tokio::spawn(async move {
            let (mut reads, mut writes) = (Vec::new(), Vec::new());
            let page = ElderlyQuery {
                q: "王秀".into(),
                ..ElderlyQuery::default()
            };
            let mut n = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                h.elderly_for(&care, &page).await.unwrap();
                reads.push(t.elapsed());
                let t = Instant::now();
                h.store
                    .save_client(
                        &ClientRecord {
                            phone: format!("1390000{:04}", n % 10_000),
                            marks: hotline_domain::ClientMarks {
                                vip: Some("bench".into()),
                                ..Default::default()
                            },
                            ..ClientRecord::default()
                        },
                        now(),
                    )
                    .await
                    .unwrap();
                writes.push(t.elapsed());
                n += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (reads, writes)
        })
    };
    let t = Instant::now();
    let report = h
        .import_elderly(&care, "bench.csv", &file, ImportMode::All, &origin)
        .await
        .unwrap();
    let took = t.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut reads, mut writes) = side.await.unwrap();
    assert!(
        report.committed,
        "{:?}",
        &report.issues[..report.issues.len().min(5)]
    );
    assert_eq!(report.imported as usize, rows.len());
    reads.sort();
    writes.sort();

    let everyone = ElderlyQuery {
        q: "测试".into(),
        ..ElderlyQuery::default()
    };
    let t = Instant::now();
    let csv = h
        .export_elderly(&care, &everyone, FileFormat::Csv, &origin)
        .await
        .unwrap();
    let csv_took = t.elapsed();
    let t = Instant::now();
    let xlsx = h
        .export_elderly(&care, &everyone, FileFormat::Xlsx, &origin)
        .await
        .unwrap();
    let xlsx_took = t.elapsed();
    let t = Instant::now();
    let (_, sheet) = read_sheet(&xlsx.bytes, REGISTRY_FILE_MAX_ROWS).unwrap();
    let read_took = t.elapsed();
    assert_eq!(sheet.rows.len(), rows.len());

    println!(
        "| {backend} | {} rows ({:.1} MB CSV) into {existing} | {:.1} s ({:.0} rows/s) | {} / {} / {} ({} pages) | {} / {} / {} ({} marks) | CSV {:.1} s ({:.1} MB), XLSX {:.1} s ({:.1} MB), XLSX read {:.1} s |",
        rows.len(),
        file.len() as f64 / 1e6,
        took.as_secs_f64(),
        rows.len() as f64 / took.as_secs_f64(),
        ms(percentile(&reads, 0.5)),
        ms(percentile(&reads, 0.99)),
        ms(reads.last().copied().unwrap_or_default()),
        reads.len(),
        ms(percentile(&writes, 0.5)),
        ms(percentile(&writes, 0.99)),
        ms(writes.last().copied().unwrap_or_default()),
        writes.len(),
        csv_took.as_secs_f64(),
        csv.bytes.len() as f64 / 1e6,
        xlsx_took.as_secs_f64(),
        xlsx.bytes.len() as f64 / 1e6,
        read_took.as_secs_f64(),
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().map_or(100_000, |a| a.parse().unwrap());
    let existing: usize = args.next().map_or(100_000, |a| a.parse().unwrap());
    let districts: Vec<(String, Coordinates)> = hotline_core::seed::district_shapes()
        .unwrap()
        .into_iter()
        .map(|d| {
            (
                d.code.clone(),
                Coordinates {
                    lon: d.center.lon,
                    lat: d.center.lat,
                },
            )
        })
        .collect();
    let file: Vec<Vec<String>> = (0..rows).map(|i| person(i, &districts)).collect();
    let t = Instant::now();
    let xlsx = write_xlsx("老年人档案", HEADER, &file).unwrap();
    let write_took = t.elapsed();
    let t = Instant::now();
    read_sheet(&xlsx, REGISTRY_FILE_MAX_ROWS).unwrap();
    println!(
        "An XLSX file of the same {rows} rows: {:.1} MB, written in {:.1} s, read in {:.1} s.",
        xlsx.len() as f64 / 1e6,
        write_took.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    println!();
    println!("| backend | import (all or nothing) | took | registry page meanwhile p50 / p99 / max | caller mark saved meanwhile p50 / p99 / max | export of everyone imported |");
    println!("|---|---|---|---|---|---|");
    run(TestDatabase::sqlite(), "SQLite", &file, existing).await;
    run(
        TestDatabase::postgres().await,
        "PostgreSQL",
        &file,
        existing,
    )
    .await;
}
