-- Where providers and people are, indexed for the nearest-provider lookup and the map
-- (SPEC G1, G2). A lookup asks for one service (with the services under it) near a point,
-- so the service is indexed together with the place: an R*Tree over (longitude, latitude,
-- service) finds the few providers of that service in the area without visiting the
-- thousands of others around a town centre. It keeps whole numbers (rtree_i32): degrees
-- × 1,000,000 (about 10 cm) and the service code padded to 8 digits (`0502` → 05020000, so
-- everything under `0502` lies in 05020000..05029999). A search over it is a superset that
-- the service narrows with the exact distance. Triggers keep each index equal to its table.
--
-- A vendor's services carry the vendor's position (kept by a trigger when the vendor
-- moves), as on PostgreSQL, where it is what the index is built on.
--
-- Providers also get a status: `active`, `paused` (not taking work for now) or `left`.

ALTER TABLE providers ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'paused', 'left'));

ALTER TABLE vendor_services ADD COLUMN lon REAL NOT NULL DEFAULT 0;
ALTER TABLE vendor_services ADD COLUMN lat REAL NOT NULL DEFAULT 0;
UPDATE vendor_services SET
    lon = (SELECT v.lon FROM vendors v WHERE v.id = vendor_services.vendor_id),
    lat = (SELECT v.lat FROM vendors v WHERE v.id = vendor_services.vendor_id);
CREATE TRIGGER vendors_move AFTER UPDATE OF lon, lat ON vendors BEGIN
    UPDATE vendor_services SET lon = new.lon, lat = new.lat WHERE vendor_id = new.id;
END;

CREATE VIRTUAL TABLE vendor_services_at USING rtree_i32(
    id, min_lon, max_lon, min_lat, max_lat, min_service, max_service);
INSERT INTO vendor_services_at SELECT rowid,
    CAST(round(lon * 1000000) AS INTEGER), CAST(round(lon * 1000000) AS INTEGER),
    CAST(round(lat * 1000000) AS INTEGER), CAST(round(lat * 1000000) AS INTEGER),
    CAST(substr(category_code || '00000000', 1, 8) AS INTEGER),
    CAST(substr(category_code || '00000000', 1, 8) AS INTEGER)
    FROM vendor_services;
CREATE TRIGGER vendor_services_at_insert AFTER INSERT ON vendor_services BEGIN
    INSERT INTO vendor_services_at VALUES (new.rowid,
        CAST(round(new.lon * 1000000) AS INTEGER), CAST(round(new.lon * 1000000) AS INTEGER),
        CAST(round(new.lat * 1000000) AS INTEGER), CAST(round(new.lat * 1000000) AS INTEGER),
        CAST(substr(new.category_code || '00000000', 1, 8) AS INTEGER),
        CAST(substr(new.category_code || '00000000', 1, 8) AS INTEGER));
END;
CREATE TRIGGER vendor_services_at_update AFTER UPDATE OF lon, lat, category_code
    ON vendor_services BEGIN
    UPDATE vendor_services_at SET
        min_lon = CAST(round(new.lon * 1000000) AS INTEGER),
        max_lon = CAST(round(new.lon * 1000000) AS INTEGER),
        min_lat = CAST(round(new.lat * 1000000) AS INTEGER),
        max_lat = CAST(round(new.lat * 1000000) AS INTEGER),
        min_service = CAST(substr(new.category_code || '00000000', 1, 8) AS INTEGER),
        max_service = CAST(substr(new.category_code || '00000000', 1, 8) AS INTEGER)
        WHERE id = new.rowid;
END;
CREATE TRIGGER vendor_services_at_delete AFTER DELETE ON vendor_services BEGIN
    DELETE FROM vendor_services_at WHERE id = old.rowid;
END;

CREATE VIRTUAL TABLE providers_at USING rtree_i32(
    id, min_lon, max_lon, min_lat, max_lat, min_service, max_service);
INSERT INTO providers_at SELECT id,
    CAST(round(lon * 1000000) AS INTEGER), CAST(round(lon * 1000000) AS INTEGER),
    CAST(round(lat * 1000000) AS INTEGER), CAST(round(lat * 1000000) AS INTEGER),
    CAST(substr(skill_code || '00000000', 1, 8) AS INTEGER),
    CAST(substr(skill_code || '00000000', 1, 8) AS INTEGER)
    FROM providers;
CREATE TRIGGER providers_at_insert AFTER INSERT ON providers BEGIN
    INSERT INTO providers_at VALUES (new.id,
        CAST(round(new.lon * 1000000) AS INTEGER), CAST(round(new.lon * 1000000) AS INTEGER),
        CAST(round(new.lat * 1000000) AS INTEGER), CAST(round(new.lat * 1000000) AS INTEGER),
        CAST(substr(new.skill_code || '00000000', 1, 8) AS INTEGER),
        CAST(substr(new.skill_code || '00000000', 1, 8) AS INTEGER));
END;
CREATE TRIGGER providers_at_update AFTER UPDATE OF lon, lat, skill_code ON providers BEGIN
    UPDATE providers_at SET
        min_lon = CAST(round(new.lon * 1000000) AS INTEGER),
        max_lon = CAST(round(new.lon * 1000000) AS INTEGER),
        min_lat = CAST(round(new.lat * 1000000) AS INTEGER),
        max_lat = CAST(round(new.lat * 1000000) AS INTEGER),
        min_service = CAST(substr(new.skill_code || '00000000', 1, 8) AS INTEGER),
        max_service = CAST(substr(new.skill_code || '00000000', 1, 8) AS INTEGER)
        WHERE id = new.id;
END;
CREATE TRIGGER providers_at_delete AFTER DELETE ON providers BEGIN
    DELETE FROM providers_at WHERE id = old.id;
END;

-- The elderly are found by place alone (the map's viewport): a 2-D R*Tree of 32-bit floats,
-- rounded outward.
CREATE VIRTUAL TABLE elderly_at USING rtree(id, min_lon, max_lon, min_lat, max_lat);
INSERT INTO elderly_at SELECT id, lon, lon, lat, lat FROM elderly;
CREATE TRIGGER elderly_at_insert AFTER INSERT ON elderly BEGIN
    INSERT INTO elderly_at VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER elderly_at_update AFTER UPDATE OF lon, lat ON elderly BEGIN
    UPDATE elderly_at SET min_lon = new.lon, max_lon = new.lon, min_lat = new.lat,
        max_lat = new.lat WHERE id = new.id;
END;
CREATE TRIGGER elderly_at_delete AFTER DELETE ON elderly BEGIN
    DELETE FROM elderly_at WHERE id = old.id;
END;
