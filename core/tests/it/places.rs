//! The nearest-provider lookup (SPEC G2) against a brute-force scan of the same rows, on
//! SQLite (R*Tree) and on PostgreSQL (PostGIS): random positions across district edges,
//! providers just inside and just outside the radius, ties at one spot, providers that do
//! not work or offer another service, and questions nothing answers.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hotline_core::audit::{AuditFilter, Origin};
use hotline_core::seed::demo::rng::Rng;
use hotline_core::store::VENDOR_WORKING;
use hotline_core::testing::{sample_provider, sample_vendor, staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, ServiceError};
use hotline_domain::places::{map_cell, map_cell_bounds, map_level, rank};
use hotline_domain::{
    Bounds, Coordinates, NearestInput, PositionInput, Problem, ProviderKind, Role, ViewportInput,
};

fn t0() -> DateTime<Utc> {
    "2026-12-06T02:00:00Z".parse().unwrap()
}

/// One stored provider as the brute force sees it.
#[derive(Debug, Clone)]
struct Row {
    kind: ProviderKind,
    id: i64,
    working: bool,
    categories: Vec<String>,
    at: Coordinates,
}

/// Between Qindu and Weicheng: district edges run through this box.
const CENTRE: Coordinates = Coordinates {
    lon: 108.70929,
    lat: 34.32932,
};

struct City {
    h: Hotline,
    rows: Vec<Row>,
    /// A level-2 category with sub-categories, two of those, and one nobody offers.
    parent: String,
    children: Vec<String>,
    unoffered: String,
}

async fn city(db: &TestDatabase) -> City {
    let h = db.open(Arc::new(FixedClock::new(t0()))).await;
    let options = h
        .staff_form_options(&staff(Role::Agent, None, None))
        .await
        .unwrap();
    let cats = &options.categories;
    let parent = cats
        .iter()
        .filter(|c| c.level == 2)
        .find(|p| {
            cats.iter()
                .filter(|c| c.parent_code.as_ref() == Some(&p.code))
                .count()
                >= 2
        })
        .expect("a category with two sub-categories")
        .code
        .clone();
    let children: Vec<String> = cats
        .iter()
        .filter(|c| c.parent_code.as_ref() == Some(&parent))
        .take(2)
        .map(|c| c.code.clone())
        .collect();
    let other = cats
        .iter()
        .find(|c| c.level == 2 && !c.code.starts_with(&parent[..2]))
        .unwrap()
        .code
        .clone();
    let unoffered = cats
        .iter()
        .find(|c| c.level == 2 && c.code != parent && c.code != other)
        .unwrap()
        .code
        .clone();
    let offered = [
        parent.clone(),
        children[0].clone(),
        children[1].clone(),
        other,
    ];

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut rows = Vec::new();
    let mut load = h.store.begin_load().await.unwrap();
    let spot = |rng: &mut Rng| Coordinates {
        lon: CENTRE.lon + (rng.unit() - 0.5) * 0.16,
        lat: CENTRE.lat + (rng.unit() - 0.5) * 0.12,
    };
    // Three share one spot (a tie of a vendor, a volunteer and a skilled person); the rest
    // are scattered over about 15 × 13 km.
    let shared = Coordinates {
        lon: 108.70111,
        lat: 34.33222,
    };
    for i in 0..300 {
        let at = if i < 2 { shared } else { spot(&mut rng) };
        let mut status = *rng.pick(&[
            "active",
            "active",
            "active",
            "inspection_due",
            "suspended",
            "exited",
        ]);
        let mut categories = vec![rng.pick(&offered).clone()];
        if rng.below(3) == 0 {
            categories.push(rng.pick(&offered).clone());
        }
        if i < 2 {
            status = "active";
            categories = vec![parent.clone()];
        }
        categories.sort();
        categories.dedup();
        let id = load
            .insert_vendor(&sample_vendor(
                &format!("测试商家{i}"),
                at,
                status,
                &categories,
            ))
            .await
            .unwrap();
        rows.push(Row {
            kind: ProviderKind::Vendor,
            id,
            working: VENDOR_WORKING.contains(&status),
            categories,
            at,
        });
    }
    for i in 0..300 {
        let at = if i < 2 { shared } else { spot(&mut rng) };
        let kind = if i % 2 == 0 {
            ProviderKind::Volunteer
        } else {
            ProviderKind::Skilled
        };
        let status = if i < 2 {
            "active"
        } else {
            *rng.pick(&["active", "active", "active", "paused", "left"])
        };
        let skill = if i < 2 {
            parent.clone()
        } else {
            rng.pick(&offered).clone()
        };
        let id = load
            .insert_provider(&sample_provider(
                &format!("测试个人{i}"),
                kind,
                at,
                status,
                &skill,
            ))
            .await
            .unwrap();
        rows.push(Row {
            kind,
            id,
            working: status == "active",
            categories: vec![skill],
            at,
        });
    }
    load.commit().await.unwrap();
    City {
        h,
        rows,
        parent,
        children,
        unoffered,
    }
}

fn input(at: Coordinates, category: &str, radius_m: u32, limit: u32, kinds: &str) -> NearestInput {
    NearestInput {
        lon: at.lon.to_string(),
        lat: at.lat.to_string(),
        category: category.into(),
        radius_m: radius_m.to_string(),
        limit: limit.to_string(),
        kinds: kinds.into(),
    }
}

/// The answer by scanning every row: (kind, id, metres).
fn brute_force(rows: &[Row], q: &NearestInput) -> Vec<(ProviderKind, i64, u32)> {
    let q = q.validate().unwrap();
    let radius = f64::from(q.radius_m);
    let mut hits: Vec<(f64, ProviderKind, i64)> = rows
        .iter()
        .filter(|r| r.working && q.kinds.contains(&r.kind))
        .filter(|r| r.categories.iter().any(|c| q.covers(c)))
        .map(|r| (q.center.distance_m(&r.at), r.kind, r.id))
        .filter(|(d, _, _)| *d <= radius)
        .collect();
    hits.sort_by(|a, b| rank(*a, *b));
    hits.truncate(q.limit as usize);
    hits.into_iter()
        .map(|(d, kind, id)| (kind, id, d.round() as u32))
        .collect()
}

async fn lookup(c: &City, q: &NearestInput) -> Vec<(ProviderKind, i64, u32)> {
    let agent = staff(Role::Agent, None, None);
    c.h.nearest_providers(&agent, q)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.kind, p.id, p.distance_m))
        .collect()
}

async fn the_lookup_answers_as_a_scan_of_every_row_would(db: TestDatabase) {
    let c = city(&db).await;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let categories = [
        c.parent.clone(),
        c.children[0].clone(),
        c.children[1].clone(),
        c.parent[..2].to_string(),
    ];
    let mut answered = 0;
    for round in 0..80 {
        let at = Coordinates {
            lon: CENTRE.lon + (rng.unit() - 0.5) * 0.2,
            lat: CENTRE.lat + (rng.unit() - 0.5) * 0.16,
        };
        let radius = *rng.pick(&[300, 1_000, 2_500, 5_000, 12_000]);
        let limit = *rng.pick(&[1, 3, 10, 50]);
        let kinds = *rng.pick(&["", "vendor", "skilled,volunteer", "volunteer"]);
        let category: &String = rng.pick(&categories);
        let q = input(at, category, radius, limit, kinds);
        let expected = brute_force(&c.rows, &q);
        assert_eq!(lookup(&c, &q).await, expected, "round {round}: {q:?}");
        answered += usize::from(!expected.is_empty());
    }
    assert!(
        answered > 40,
        "most random questions find someone ({answered})"
    );

    // At the radius: a provider 1 cm inside is found, one 1 cm outside is not, in every
    // direction (the database's own arithmetic must not cut either way).
    let target = c
        .rows
        .iter()
        .find(|r| r.working && r.kind == ProviderKind::Vendor)
        .unwrap();
    for bearing in [0.0, 37.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0] {
        for (radius, found) in [(2_000.0_f64, true), (2_000.0, false)] {
            let offset = if found { -0.01 } else { 0.01 };
            // The question's centre, placed so that the target lies at radius ± 1 cm.
            let center = target.at.destination(bearing, radius + offset);
            let back = center.distance_m(&target.at);
            assert!((back - (radius + offset)).abs() < 1e-6);
            let q = input(center, &target.categories[0], 2_000, 50, "vendor");
            let got = lookup(&c, &q).await;
            assert_eq!(got, brute_force(&c.rows, &q), "bearing {bearing}");
            assert_eq!(
                got.iter().any(|(_, id, _)| *id == target.id),
                found,
                "bearing {bearing}, {offset} m from the edge"
            );
        }
    }

    // A tie at one spot: vendors first, then skilled people, then volunteers, then by age.
    let shared = Coordinates {
        lon: 108.70111,
        lat: 34.33222,
    };
    let q = input(shared, &c.parent, 50, 50, "");
    let got = lookup(&c, &q).await;
    assert_eq!(got, brute_force(&c.rows, &q));
    let at_spot: Vec<_> = got.iter().filter(|(_, _, d)| *d == 0).collect();
    assert_eq!(at_spot.len(), 4, "{got:?}");
    assert_eq!(
        at_spot.iter().map(|p| p.0).collect::<Vec<_>>(),
        [
            ProviderKind::Vendor,
            ProviderKind::Vendor,
            ProviderKind::Skilled,
            ProviderKind::Volunteer
        ]
    );
    assert!(
        at_spot
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)),
        "{at_spot:?}"
    );

    // Nobody: a service nobody offers, and an empty corner of the map.
    assert!(lookup(&c, &input(CENTRE, &c.unoffered, 50_000, 50, ""))
        .await
        .is_empty());
    let empty = Coordinates {
        lon: 109.5,
        lat: 35.1,
    };
    assert!(lookup(&c, &input(empty, &c.parent, 5_000, 10, ""))
        .await
        .is_empty());
    c.h.store.close().await;
}

async fn the_lookup_is_for_staff_who_send_help_and_names_bad_fields(db: TestDatabase) {
    let c = city(&db).await;
    let q = input(CENTRE, &c.parent, 5_000, 10, "");
    for role in [Role::Agent, Role::ShiftLead, Role::Coordinator] {
        assert!(
            c.h.nearest_providers(&staff(role, None, None), &q)
                .await
                .is_ok(),
            "{role:?}"
        );
    }
    for role in [Role::Department, Role::Vendor] {
        assert!(
            matches!(
                c.h.nearest_providers(&staff(role, Some(1), None), &q).await,
                Err(ServiceError::Forbidden)
            ),
            "{role:?}"
        );
    }
    let agent = staff(Role::Agent, None, None);
    // A well-formed code that is not in the catalogue.
    match c
        .h
        .nearest_providers(&agent, &input(CENTRE, "9999", 5_000, 10, ""))
        .await
    {
        Err(ServiceError::Invalid(f)) => assert_eq!(f.get("category"), Some(&Problem::Unknown)),
        other => panic!("{other:?}"),
    }
    let mut bad = input(CENTRE, &c.parent, 5_000, 10, "");
    bad.radius_m = "60000".into();
    match c.h.nearest_providers(&agent, &bad).await {
        Err(ServiceError::Invalid(f)) => assert!(f.get("radius_m").is_some()),
        other => panic!("{other:?}"),
    }
    c.h.store.close().await;
}

/// The map's layers against the rows: counts per grid square when zoomed out, the points
/// themselves when zoomed in, and who may see which layer.
async fn the_map_counts_by_square_and_shows_points_up_close(db: TestDatabase) {
    let c = city(&db).await;
    let agent = staff(Role::Agent, None, None);
    let view = |layer: &str, bbox: Bounds, zoom: u8| ViewportInput {
        layer: layer.into(),
        bbox: format!("{},{},{},{}", bbox.west, bbox.south, bbox.east, bbox.north),
        zoom: zoom.to_string(),
    };
    let layers = [
        ("vendors", ProviderKind::Vendor),
        ("skilled", ProviderKind::Skilled),
        ("volunteers", ProviderKind::Volunteer),
    ];
    // Part of the city, its edges through the scattered rows.
    let part = Bounds {
        west: CENTRE.lon - 0.05,
        south: CENTRE.lat - 0.03,
        east: CENTRE.lon + 0.061,
        north: CENTRE.lat + 0.047,
    };
    for (layer, kind) in layers {
        for zoom in [8, 10, 12, 14] {
            let level = map_level(zoom).unwrap();
            let got =
                c.h.map_view(&agent, &view(layer, part, zoom))
                    .await
                    .unwrap();
            assert_eq!(got.level, Some(level as u8));
            let (west, south) = map_cell(
                level,
                Coordinates {
                    lon: part.west,
                    lat: part.south,
                },
            );
            let (east, north) = map_cell(
                level,
                Coordinates {
                    lon: part.east,
                    lat: part.north,
                },
            );
            let mut expected: std::collections::BTreeMap<(i64, i64), (u32, f64, f64)> =
                Default::default();
            for r in c.rows.iter().filter(|r| r.kind == kind) {
                let (gx, gy) = map_cell(level, r.at);
                if (west..=east).contains(&gx) && (south..=north).contains(&gy) {
                    let e = expected.entry((gx, gy)).or_default();
                    *e = (e.0 + 1, e.1 + r.at.lon, e.2 + r.at.lat);
                }
            }
            assert_eq!(got.cells.len(), expected.len(), "{layer} at zoom {zoom}");
            for cell in &got.cells {
                let key = map_cell(level, cell.position);
                let (count, lon, lat) = expected[&key];
                assert_eq!(cell.count, count, "{layer} {key:?}");
                assert!((cell.position.lon - lon / f64::from(count)).abs() < 1e-9);
                assert!((cell.position.lat - lat / f64::from(count)).abs() < 1e-9);
                assert_eq!(cell.bounds, map_cell_bounds(level, key));
            }
            let total: u32 = got.cells.iter().map(|c| c.count).sum();
            assert!(total > 0, "{layer} at zoom {zoom}");
        }
        // Up close: the points inside the box, edges included, oldest first.
        let close = Bounds {
            west: CENTRE.lon - 0.012,
            south: CENTRE.lat - 0.01,
            east: CENTRE.lon + 0.013,
            north: CENTRE.lat + 0.008,
        };
        let got = c.h.map_view(&agent, &view(layer, close, 16)).await.unwrap();
        assert_eq!((got.level, got.truncated), (None, false));
        let mut expected: Vec<(i64, Coordinates)> = c
            .rows
            .iter()
            .filter(|r| r.kind == kind && close.contains(r.at))
            .map(|r| (r.id, r.at))
            .collect();
        expected.sort_by_key(|e| e.0);
        let points: Vec<(i64, Coordinates)> =
            got.points.iter().map(|p| (p.id, p.position)).collect();
        assert_eq!(points, expected, "{layer}");
        assert!(!points.is_empty(), "{layer}");
    }
    // A point exactly on the box's edge is in it.
    let edge = c
        .rows
        .iter()
        .find(|r| r.kind == ProviderKind::Vendor)
        .unwrap();
    let tight = Bounds {
        west: edge.at.lon,
        south: edge.at.lat,
        east: edge.at.lon + 0.001,
        north: edge.at.lat + 0.001,
    };
    let got =
        c.h.map_view(&agent, &view("vendors", tight, 17))
            .await
            .unwrap();
    assert!(got.points.iter().any(|p| p.id == edge.id));

    // A vendor moves (as the registry will let staff correct a position): its squares, its
    // point and its place in the nearest lookup follow; when it is removed, its squares
    // forget it.
    let far = Coordinates {
        lon: 109.4,
        lat: 35.2,
    };
    let far_box = Bounds {
        west: 109.3,
        south: 35.1,
        east: 109.5,
        north: 35.3,
    };
    let squares = |v: hotline_domain::MapView| -> u32 { v.cells.iter().map(|c| c.count).sum() };
    let before = squares(
        c.h.map_view(&agent, &view("vendors", part, 12))
            .await
            .unwrap(),
    );
    execute(
        &db,
        &format!(
            "UPDATE vendors SET lon = {}, lat = {}, status = 'active' WHERE id = {}",
            far.lon, far.lat, edge.id
        ),
    )
    .await;
    let after = squares(
        c.h.map_view(&agent, &view("vendors", part, 12))
            .await
            .unwrap(),
    );
    // It stood inside `part` (the shared spot).
    assert!(part.contains(edge.at));
    assert_eq!(after + 1, before);
    let there =
        c.h.map_view(&agent, &view("vendors", far_box, 10))
            .await
            .unwrap();
    assert_eq!(squares(there.clone()), 1);
    assert_eq!(there.cells[0].position, far);
    let up_close =
        c.h.map_view(&agent, &view("vendors", far_box, 15))
            .await
            .unwrap();
    assert_eq!(
        up_close.points.iter().map(|p| p.id).collect::<Vec<_>>(),
        [edge.id]
    );
    let found = lookup(&c, &input(far, &edge.categories[0], 100, 5, "vendor")).await;
    assert_eq!(found, [(ProviderKind::Vendor, edge.id, 0)]);
    // A vendor added outside a bulk load (the city was one: on PostgreSQL its counts were
    // made once, at the load's end) is counted as it comes.
    execute(
        &db,
        &format!(
            "INSERT INTO vendors (name, kind, district_code, street_code, address, phone, \
             contact_name, hotline, status, credit_grade, franchise_type, staff_count, \
             registered_capital, home_care, volunteer, lon, lat, created_at) \
             SELECT name, kind, district_code, street_code, address, phone, contact_name, \
             hotline, status, credit_grade, franchise_type, staff_count, registered_capital, \
             home_care, volunteer, lon + 0.01, lat, created_at FROM vendors WHERE id = {}",
            edge.id
        ),
    )
    .await;
    let two =
        c.h.map_view(&agent, &view("vendors", far_box, 10))
            .await
            .unwrap();
    assert_eq!(squares(two), 2);
    execute(
        &db,
        &format!("DELETE FROM vendor_services WHERE vendor_id = {}", edge.id),
    )
    .await;
    execute(&db, &format!("DELETE FROM vendors WHERE id = {}", edge.id)).await;
    let gone =
        c.h.map_view(&agent, &view("vendors", far_box, 10))
            .await
            .unwrap();
    assert_eq!(squares(gone), 1);
    assert!(
        lookup(&c, &input(far, &edge.categories[0], 100, 5, "vendor"))
            .await
            .is_empty()
    );

    // The elderly only for those who keep their registry; providers not for departments.
    let care = staff(Role::Coordinator, None, None);
    assert!(matches!(
        c.h.map_view(&agent, &view("elderly", part, 12)).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(c
        .h
        .map_view(&care, &view("elderly", part, 12))
        .await
        .is_ok());
    assert!(matches!(
        c.h.map_view(
            &staff(Role::Department, Some(1), None),
            &view("vendors", part, 12)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    match c
        .h
        .map_view(
            &agent,
            &ViewportInput {
                zoom: "30".into(),
                ..view("vendors", part, 12)
            },
        )
        .await
    {
        Err(ServiceError::Invalid(f)) => assert!(f.get("zoom").is_some()),
        other => panic!("{other:?}"),
    }
    c.h.store.close().await;
}

async fn a_dragged_position_moves_the_record_everywhere_and_is_audited(db: TestDatabase) {
    let c = city(&db).await;
    let lead = staff(Role::ShiftLead, None, None);
    let origin = Origin {
        actor: "lead.wang".into(),
        address: Some("10.0.0.7".into()),
    };
    let vendor = c
        .rows
        .iter()
        .find(|r| r.kind == ProviderKind::Vendor && r.working)
        .unwrap()
        .clone();
    let volunteer = c
        .rows
        .iter()
        .find(|r| r.kind == ProviderKind::Volunteer)
        .unwrap()
        .clone();
    // Liquan county, about 30 km from where the vendor was put by mistake.
    let there = Coordinates {
        lon: 108.46,
        lat: 34.48,
    };
    let to = |p: Coordinates| PositionInput {
        lon: Some(p.lon),
        lat: Some(p.lat),
    };
    let invalid = |r: Result<_, ServiceError>| match r {
        Err(ServiceError::Invalid(f)) => f.0.into_iter().collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };

    // Who may: those who keep the providers' registry (leads), not agents, not the care
    // coordinators (who keep the elderly's), not departments.
    for who in [
        staff(Role::Agent, None, None),
        staff(Role::Coordinator, None, None),
        staff(Role::Department, Some(1), None),
    ] {
        assert!(matches!(
            c.h.move_place(&who, &origin, "vendors", vendor.id, &to(there))
                .await,
            Err(ServiceError::Forbidden)
        ));
    }
    // The elderly are the coordinators' (a lead may not move them).
    assert!(matches!(
        c.h.move_place(&lead, &origin, "elderly", 1, &to(there))
            .await,
        Err(ServiceError::Forbidden)
    ));
    // Bad input, by field; outside the city is refused.
    assert_eq!(
        invalid(
            c.h.move_place(&lead, &origin, "shops", vendor.id, &to(there))
                .await
        ),
        [("layer".to_string(), Problem::Unknown)]
    );
    assert_eq!(
        invalid(
            c.h.move_place(
                &lead,
                &origin,
                "vendors",
                vendor.id,
                &PositionInput {
                    lon: Some(there.lon),
                    lat: None,
                },
            )
            .await
        ),
        [("lat".to_string(), Problem::Required)]
    );
    assert_eq!(
        invalid(
            c.h.move_place(
                &lead,
                &origin,
                "vendors",
                vendor.id,
                &to(Coordinates {
                    lon: 116.40,
                    lat: 39.90,
                }),
            )
            .await
        ),
        [
            ("lat".to_string(), Problem::OutsideCity),
            ("lon".to_string(), Problem::OutsideCity)
        ]
    );
    // No such record in the layer: a volunteer is not a skilled person.
    for (layer, id) in [("vendors", 9_999_999), ("skilled", volunteer.id)] {
        assert!(matches!(
            c.h.move_place(&lead, &origin, layer, id, &to(there)).await,
            Err(ServiceError::NotFound)
        ));
    }
    // Nothing refused was written.
    let filter = AuditFilter {
        object_type: Some("vendor".into()),
        object_id: Some(vendor.id.to_string()),
        limit: 10,
        ..AuditFilter::default()
    };
    assert!(c.h.audit_entries(&filter).await.unwrap().is_empty());

    let agent = staff(Role::Agent, None, None);
    let near_there = Bounds::around(there, 500.0);
    let view = |zoom: u8| ViewportInput {
        layer: "vendors".into(),
        bbox: format!(
            "{},{},{},{}",
            near_there.west, near_there.south, near_there.east, near_there.north
        ),
        zoom: zoom.to_string(),
    };
    assert!(c
        .h
        .map_view(&agent, &view(16))
        .await
        .unwrap()
        .points
        .is_empty());
    let moved =
        c.h.move_place(&lead, &origin, "vendors", vendor.id, &to(there))
            .await
            .unwrap();
    assert_eq!((moved.id, moved.position), (vendor.id, there));
    assert!(moved.name.starts_with("测试商家"), "{}", moved.name);

    // The map and the nearest lookup see it there at once; its old square lost it.
    let up_close = c.h.map_view(&agent, &view(16)).await.unwrap();
    assert_eq!(
        up_close.points.iter().map(|p| p.id).collect::<Vec<_>>(),
        [vendor.id]
    );
    let counted = c.h.map_view(&agent, &view(10)).await.unwrap();
    assert_eq!(counted.cells.iter().map(|c| c.count).sum::<u32>(), 1);
    let found = lookup(&c, &input(there, &vendor.categories[0], 100, 5, "vendor")).await;
    assert_eq!(found, [(ProviderKind::Vendor, vendor.id, 0)]);
    let found = lookup(
        &c,
        &input(vendor.at, &vendor.categories[0], 1, 50, "vendor"),
    )
    .await;
    assert!(found.iter().all(|(_, id, _)| *id != vendor.id));

    // The audit log says who moved it, from where to where.
    let log = c.h.audit_entries(&filter).await.unwrap();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(
        (
            entry.action.as_str(),
            entry.actor.as_str(),
            entry.address.as_deref()
        ),
        ("position.move", "lead.wang", Some("10.0.0.7"))
    );
    assert_eq!(entry.at, t0());
    let position = |json: &Option<String>| -> Coordinates {
        serde_json::from_str(json.as_deref().unwrap()).unwrap()
    };
    assert_eq!(position(&entry.before), vendor.at);
    assert_eq!(position(&entry.after), there);

    // A volunteer moves in its own layer.
    let moved =
        c.h.move_place(&lead, &origin, "volunteers", volunteer.id, &to(there))
            .await
            .unwrap();
    assert_eq!(moved.position, there);
    c.h.store.close().await;
}

/// Runs a statement straight on the test database (what no service does yet: moving and
/// removing rows, to check that the indexes and the map's counts follow).
async fn execute(db: &TestDatabase, sql: &str) {
    use sqlx::Connection;
    if db.url().starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(db.url()).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(db.url()).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}

hotline_core::on_both_backends!(
    the_map_counts_by_square_and_shows_points_up_close,
    a_dragged_position_moves_the_record_everywhere_and_is_audited,
    the_lookup_answers_as_a_scan_of_every_row_would,
    the_lookup_is_for_staff_who_send_help_and_names_bad_fields,
);
