-- Where providers and people are, indexed for the nearest-provider lookup and the map
-- (SPEC G1, G2). PostGIS keeps each position as a `geography` point, generated from lon/lat
-- so it can never disagree with them. A lookup asks for one service (with the services
-- under it) near a point, so the service is indexed together with the place: a GiST index
-- over (service code, place) (`btree_gist` gives text its GiST operators) finds the few
-- providers of that service in the area without visiting the thousands of others around a
-- town centre. `ST_DWithin` over it is a superset that the service narrows with the exact
-- distance, as on SQLite (an R*Tree there).
--
-- Creating PostGIS needs a superuser once per database; where the database's owner is not
-- one, an administrator runs `CREATE EXTENSION postgis` first and this is a no-op.
--
-- A vendor's services carry the vendor's position (kept by a trigger when the vendor
-- moves): it is what their index is built on.
--
-- Providers also get a status: `active`, `paused` (not taking work for now) or `left`.

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE providers ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'paused', 'left'));

ALTER TABLE vendor_services ADD COLUMN lon DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE vendor_services ADD COLUMN lat DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE vendor_services s SET lon = v.lon, lat = v.lat FROM vendors v WHERE v.id = s.vendor_id;
CREATE FUNCTION vendors_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE vendor_services SET lon = NEW.lon, lat = NEW.lat WHERE vendor_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER vendors_move AFTER UPDATE OF lon, lat ON vendors
    FOR EACH ROW EXECUTE FUNCTION vendors_move();

ALTER TABLE vendor_services ADD COLUMN place geography(Point, 4326)
    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED;
CREATE INDEX vendor_services_place ON vendor_services USING gist (category_code, place);

ALTER TABLE providers ADD COLUMN place geography(Point, 4326)
    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED;
CREATE INDEX providers_place ON providers USING gist (skill_code, place);

ALTER TABLE elderly ADD COLUMN place geography(Point, 4326)
    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED;
CREATE INDEX elderly_place ON elderly USING gist (place);
