//! Nearest-provider benchmark (SPEC G2): loads a city of providers (half vendors with one to
//! three services, half skilled people and volunteers) and registered elderly people into a
//! fresh SQLite file and a fresh PostgreSQL/PostGIS database, then asks "the 10 nearest
//! working providers of this service within 5 km" from random points and reports the
//! latency of the whole service call (`Hotline::nearest`: spatial search, exact ranking, and
//! the chosen ten's names, scores and open orders). In the same run, over the same rows: a
//! brute-force scan in memory and an in-memory R-tree (`rstar`), each answering the same
//! questions, and every answer is checked against the brute force. Then the map over the
//! elderly (`Hotline::map_view`): the whole city zoomed out (counts per square) and street
//! views (the points).
//!
//!     cargo run --release -p hotline-core --example nearest_bench -- [providers] [elderly] [questions]
//!
//! `bash scripts/bench.sh nearest` runs it with the figures BENCHMARKS.md reports
//! (100,000 providers, 1,000,000 elderly, 2,000 questions).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use hotline_core::seed::demo::rng::Rng;
use hotline_core::seed::DistrictShape;
use hotline_core::store::{NewElderly, NewProvider, NewVendor, VENDOR_WORKING};
use hotline_core::testing::{sample_elderly, sample_provider, sample_vendor, staff, TestDatabase};
use hotline_core::{FixedClock, Hotline};
use hotline_domain::places::rank;
use hotline_domain::{
    Coordinates, ElderlyQuery, NearestQuery, ProviderKind, Role, ViewportInput,
    ELDERLY_IDENTITY_CATEGORIES,
};
use rstar::{primitives::GeomWithData, RTree};

/// A point inside a district: three in five near its centre (towns are where people and
/// shops are; σ ≈ 3 km), the rest anywhere in it.
fn place(rng: &mut Rng, districts: &[DistrictShape]) -> Coordinates {
    let d = rng.pick(districts);
    let (min, max) = d.bbox();
    let clustered = rng.below(5) < 3;
    loop {
        let p = if clustered {
            hotline_core::seed::Point {
                lon: d.center.lon + rng.normal() * 0.033,
                lat: d.center.lat + rng.normal() * 0.027,
            }
        } else {
            hotline_core::seed::Point {
                lon: min.lon + rng.unit() * (max.lon - min.lon),
                lat: min.lat + rng.unit() * (max.lat - min.lat),
            }
        };
        if d.contains(p) {
            return Coordinates {
                lon: p.lon,
                lat: p.lat,
            };
        }
    }
}

#[derive(Clone)]
struct Row {
    kind: ProviderKind,
    working: bool,
    categories: Vec<String>,
    at: Coordinates,
    district: String,
    status: &'static str,
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

type Answer = Vec<(ProviderKind, i64)>;

/// The answer from the rows (by index) that may lie near: kept by the true distance,
/// ranked as the service ranks.
fn answer(rows: &[Row], q: &NearestQuery, near: impl Iterator<Item = usize>) -> Answer {
    let radius = f64::from(q.radius_m);
    let mut hits: Vec<(f64, ProviderKind, i64)> = near
        .map(|i| (i, &rows[i]))
        .filter(|(_, r)| r.working && q.kinds.contains(&r.kind))
        .filter(|(_, r)| r.categories.iter().any(|c| q.covers(c)))
        .map(|(i, r)| (q.center.distance_m(&r.at), r.kind, i as i64))
        .filter(|(d, _, _)| *d <= radius)
        .collect();
    hits.sort_by(|a, b| rank(*a, *b));
    hits.truncate(q.limit as usize);
    hits.into_iter().map(|(_, k, i)| (k, i)).collect()
}

fn brute_force(rows: &[Row], q: &NearestQuery) -> Answer {
    answer(rows, q, 0..rows.len())
}

/// Metres east and north of a fixed origin (equirectangular): the plane the R-tree sorts
/// in; it only narrows, the haversine decides, as in the databases.
fn plane(p: Coordinates) -> [f64; 2] {
    const LAT0: f64 = 34.6;
    let k = hotline_domain::EARTH_RADIUS_M.to_radians();
    [p.lon * k * LAT0.to_radians().cos(), p.lat * k]
}

fn with_rtree(
    tree: &RTree<GeomWithData<[f64; 2], usize>>,
    rows: &[Row],
    q: &NearestQuery,
) -> Answer {
    // Plane distances near 34.6° N stretch by at most 1.2% across the city: widen, then
    // keep by the true distance.
    let reach = f64::from(q.radius_m) * 1.02 + 1.0;
    let near = tree
        .locate_within_distance(plane(q.center), reach * reach)
        .map(|g| g.data);
    answer(rows, q, near)
}

/// A kind of registry search: makes one question from the random source and the number of
/// people loaded.
type Search = fn(&mut Rng, usize) -> ElderlyQuery;

const SURNAMES: &[&str] = &["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: &[&str] = &[
    "桂兰", "秀英", "建国", "淑珍", "德福", "玉梅", "志强", "凤英",
];

/// The `n`th loaded person's name: 80 names, so a full name finds 1 in 80.
fn elderly_name(n: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[n % SURNAMES.len()],
        GIVEN[(n / SURNAMES.len()) % GIVEN.len()]
    )
}

fn elderly_phone(n: usize) -> String {
    format!("139{n:08}")
}

fn summary(name: &str, times: &mut [Duration], found: usize, questions: usize) {
    times.sort();
    println!(
        "| {name} | {:.3} | {:.3} | {:.3} | {:.1} |",
        percentile(times, 0.50),
        percentile(times, 0.99),
        percentile(times, 1.0),
        found as f64 / questions as f64,
    );
}

async fn load(
    db: &TestDatabase,
    rows: &[Row],
    elderly: usize,
    rng_seed: u64,
) -> (Hotline, Vec<i64>) {
    let clock = Arc::new(FixedClock::new(at("2026-12-06T02:00:00Z")));
    let h = db.open(clock).await;
    let started = Instant::now();
    let mut ids = Vec::with_capacity(rows.len());
    let districts = hotline_core::seed::district_shapes().unwrap();
    for chunk in rows.chunks(20_000) {
        let mut load = h.store.begin_load().await.unwrap();
        for (i, r) in chunk.iter().enumerate() {
            let id = match r.kind {
                ProviderKind::Vendor => load
                    .insert_vendor(&NewVendor {
                        district_code: r.district.clone(),
                        ..sample_vendor(
                            &format!("咸阳市便民服务{i}部"),
                            r.at,
                            r.status,
                            &r.categories,
                        )
                    })
                    .await
                    .unwrap(),
                _ => load
                    .insert_provider(&NewProvider {
                        district_code: r.district.clone(),
                        ..sample_provider(
                            &format!("师傅{i}"),
                            r.kind,
                            r.at,
                            r.status,
                            &r.categories[0],
                        )
                    })
                    .await
                    .unwrap(),
            };
            ids.push(id);
        }
        load.commit().await.unwrap();
    }
    let providers_took = started.elapsed();
    let started = Instant::now();
    let mut rng = Rng(rng_seed);
    let mut n = 0;
    while n < elderly {
        let mut load = h.store.begin_load().await.unwrap();
        for _ in 0..50_000.min(elderly - n) {
            let p = place(&mut rng, &districts);
            let d = &districts[rng.below(districts.len())];
            load.insert_elderly(&NewElderly {
                birth_date: NaiveDate::from_ymd_opt(1925 + (n % 40) as i32, 1 + (n % 12) as u32, 1)
                    .unwrap(),
                identity_category: ELDERLY_IDENTITY_CATEGORIES
                    [n % ELDERLY_IDENTITY_CATEGORIES.len()]
                .into(),
                district_code: d.code.clone(),
                phone: Some(elderly_phone(n)),
                ..sample_elderly(&elderly_name(n), n, p)
            })
            .await
            .unwrap();
            n += 1;
        }
        load.commit().await.unwrap();
    }
    eprintln!(
        "loaded {} providers in {:.1} s and {elderly} elderly in {:.1} s",
        rows.len(),
        providers_took.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    (h, ids)
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: providers elderly questions"))
        .collect();
    let providers = args.first().copied().unwrap_or(100_000);
    let elderly = args.get(1).copied().unwrap_or(1_000_000);
    let questions = args.get(2).copied().unwrap_or(2_000);

    let districts = hotline_core::seed::district_shapes().unwrap();
    let catalogue = hotline_core::seed::catalogue().unwrap();
    // Services are offered at levels 2 and 3; questions ask for a level-2 service (with
    // everything under it), as a dispatcher picks "家政服务" or "管道疏通".
    let offered: Vec<String> = catalogue
        .iter()
        .filter(|c| c.level == 2 || c.level == 3)
        .map(|c| c.code.clone())
        .collect();
    let asked: Vec<String> = catalogue
        .iter()
        .filter(|c| c.level == 2)
        .map(|c| c.code.clone())
        .collect();

    let mut rng = Rng(20261206);
    let rows: Vec<Row> = (0..providers)
        .map(|i| {
            let at = place(&mut rng, &districts);
            let district = districts
                .iter()
                .find(|d| {
                    d.contains(hotline_core::seed::Point {
                        lon: at.lon,
                        lat: at.lat,
                    })
                })
                .map(|d| d.code.clone())
                .unwrap();
            if i % 2 == 0 {
                let status = *rng.pick(&[
                    "active",
                    "active",
                    "active",
                    "active",
                    "inspection_due",
                    "suspended",
                    "exited",
                ]);
                let mut categories: Vec<String> = (0..1 + rng.below(3))
                    .map(|_| rng.pick(&offered).clone())
                    .collect();
                categories.sort();
                categories.dedup();
                Row {
                    kind: ProviderKind::Vendor,
                    working: VENDOR_WORKING.contains(&status),
                    categories,
                    at,
                    district,
                    status,
                }
            } else {
                let status = *rng.pick(&["active", "active", "active", "active", "paused", "left"]);
                Row {
                    kind: if rng.below(5) < 2 {
                        ProviderKind::Volunteer
                    } else {
                        ProviderKind::Skilled
                    },
                    working: status == "active",
                    categories: vec![rng.pick(&offered).clone()],
                    at,
                    district,
                    status,
                }
            }
        })
        .collect();
    // Questions where the calls come from: like the providers, mostly in towns.
    let qs: Vec<NearestQuery> = (0..questions)
        .map(|_| NearestQuery {
            center: place(&mut rng, &districts),
            category: rng.pick(&asked).clone(),
            radius_m: 5_000,
            limit: 10,
            kinds: ProviderKind::ALL.to_vec(),
        })
        .collect();

    println!(
        "{providers} providers ({} working), {elderly} elderly, {questions} questions: \
         nearest 10 of a level-2 service within 5 km",
        rows.iter().filter(|r| r.working).count()
    );
    println!();
    println!("| method | p50 ms | p99 ms | max ms | found per question (providers; squares or points on the map) |");
    println!("|---|---|---|---|---|");

    let expected: Vec<Answer> = {
        let mut times = Vec::new();
        let answers: Vec<Answer> = qs
            .iter()
            .map(|q| {
                let t = Instant::now();
                let a = brute_force(&rows, q);
                times.push(t.elapsed());
                a
            })
            .collect();
        let found = answers.iter().map(Vec::len).sum();
        summary("brute-force scan in memory", &mut times, found, questions);
        answers
    };
    {
        let tree = RTree::bulk_load(
            rows.iter()
                .enumerate()
                .map(|(i, r)| GeomWithData::new(plane(r.at), i))
                .collect(),
        );
        let mut times = Vec::new();
        for (q, want) in qs.iter().zip(&expected) {
            let t = Instant::now();
            let got = with_rtree(&tree, &rows, q);
            times.push(t.elapsed());
            assert_eq!(&got, want, "rstar differs from the scan at {q:?}");
        }
        summary(
            "in-memory R-tree (rstar)",
            &mut times,
            expected.iter().map(Vec::len).sum(),
            questions,
        );
    }

    let sqlite = TestDatabase::sqlite();
    let postgres = TestDatabase::postgres().await;
    let streets: Vec<Coordinates> = (0..500).map(|_| place(&mut rng, &districts)).collect();
    for (backend, name, db) in [
        ("SQLite", "SQLite (R*Tree), `Hotline::nearest`", &sqlite),
        (
            "PostgreSQL",
            "PostgreSQL (PostGIS), `Hotline::nearest`",
            &postgres,
        ),
    ] {
        let (h, ids) = load(db, &rows, elderly, 7).await;
        let index_of: std::collections::HashMap<(bool, i64), usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| ((rows[i].kind == ProviderKind::Vendor, *id), i))
            .collect();
        // Warm-up: the first 200 questions, not counted.
        for q in qs.iter().take(200) {
            h.nearest(q).await.unwrap();
        }
        let mut times = Vec::new();
        let mut found = 0;
        for (q, want) in qs.iter().zip(&expected) {
            let t = Instant::now();
            let got = h.nearest(q).await.unwrap();
            times.push(t.elapsed());
            found += got.len();
            let got: Answer = got
                .iter()
                .map(|p| {
                    (
                        p.kind,
                        index_of[&(p.kind == ProviderKind::Vendor, p.id)] as i64,
                    )
                })
                .collect();
            assert_eq!(&got, want, "{name} differs from the scan at {q:?}");
        }
        summary(name, &mut times, found, questions);

        // The map over the 1,000,000 elderly: the whole city zoomed out (counts per
        // square), and street views of 1280 × 800 pixels at zoom 16 (the points).
        let care = staff(Role::Coordinator, None, None);
        let city = ViewportInput {
            layer: "elderly".into(),
            bbox: "107.5,34.0,109.3,35.7".into(),
            zoom: "8".into(),
        };
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..200 {
            let t = Instant::now();
            let view = h.map_view(&care, &city).await.unwrap();
            times.push(t.elapsed());
            found += view.cells.len();
        }
        summary(
            &format!("{backend}: map, whole city at zoom 8 (squares of the elderly layer)"),
            &mut times,
            found,
            200,
        );
        let mut times = Vec::new();
        let mut found = 0;
        for c in &streets {
            let street = ViewportInput {
                layer: "elderly".into(),
                bbox: format!(
                    "{},{},{},{}",
                    c.lon - 0.01373,
                    c.lat - 0.00707,
                    c.lon + 0.01373,
                    c.lat + 0.00707
                ),
                zoom: "16".into(),
            };
            let t = Instant::now();
            let view = h.map_view(&care, &street).await.unwrap();
            times.push(t.elapsed());
            found += view.points.len();
        }
        summary(
            &format!("{backend}: map, street view at zoom 16 (points of the elderly layer)"),
            &mut times,
            found,
            streets.len(),
        );

        // The elderly registry (SPEC R3) over the same 1,000,000: what a coordinator types.
        // Every search counts all its matches and reads one page of 50.
        let searches: [(&str, Search); 5] = [
            ("a whole ID number", |rng, n| ElderlyQuery {
                q: format!("6104{:014}", rng.below(n)),
                ..ElderlyQuery::default()
            }),
            ("a phone number", |rng, n| ElderlyQuery {
                q: elderly_phone(rng.below(n)),
                ..ElderlyQuery::default()
            }),
            ("a full name (1 in 80 share it), page 1", |rng, n| {
                ElderlyQuery {
                    q: elderly_name(rng.below(n)),
                    ..ElderlyQuery::default()
                }
            }),
            ("everyone, a random page", |rng, n| ElderlyQuery {
                page: (1 + rng.below(n / 50)).to_string(),
                ..ElderlyQuery::default()
            }),
            ("identity and age 80-89 in a district, page 1", |rng, _| {
                ElderlyQuery {
                    category: ELDERLY_IDENTITY_CATEGORIES[rng.below(8)].into(),
                    age_min: "80".into(),
                    age_max: "89".into(),
                    district: "610402".into(),
                    ..ElderlyQuery::default()
                }
            }),
        ];
        for (what, make) in searches {
            let mut times = Vec::new();
            let mut found = 0;
            let mut rng = Rng(11);
            for _ in 0..200 {
                let q = make(&mut rng, elderly);
                let t = Instant::now();
                let page = h.elderly_for(&care, &q).await.unwrap();
                times.push(t.elapsed());
                found += page.total as usize;
            }
            summary(
                &format!("{backend}: elderly registry, {what}"),
                &mut times,
                found,
                200,
            );
        }
        h.store.close().await;
    }
}
