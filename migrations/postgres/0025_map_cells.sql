-- The map (SPEC G1). Zoomed out, the map shows how many providers or people lie in each
-- square of a grid, not a million markers: `map_cells` keeps those counts (and the sums of
-- positions, for each square's centre of mass) for every layer at four grid sizes, kept by
-- triggers as rows come, go and move, so that a view of the whole city reads a few hundred
-- rows. A square is numbered from 180° W and 90° S: gx = ⌊(lon + 180) / size⌋, gy likewise
-- (the same numbers SQLite computes).
--
-- Zoomed in, the map reads the points themselves over the spatial indexes; vendors get a
-- `place` of their own for that (their services have one by service and place).

CREATE TABLE map_levels (
    level BIGINT PRIMARY KEY,
    size  DOUBLE PRECISION NOT NULL
);
INSERT INTO map_levels (level, size) VALUES (0, 0.005), (1, 0.02), (2, 0.08), (3, 0.32);

CREATE TABLE map_cells (
    layer   TEXT NOT NULL,
    level   BIGINT NOT NULL,
    gx      BIGINT NOT NULL,
    gy      BIGINT NOT NULL,
    count   BIGINT NOT NULL,
    sum_lon DOUBLE PRECISION NOT NULL,
    sum_lat DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (layer, level, gx, gy)
);

-- Adds `n` rows at (lon, lat) to a layer's squares at every level (n = -1 takes one out).
-- Each row's change updates the same few squares, so a transaction of many inserts leaves
-- many versions of those rows behind until it commits: a bulk load of 1,000,000 elderly
-- takes 489 s here against 100 s without this (BENCHMARKS.md); loads will add their counts
-- once per load instead.
CREATE FUNCTION map_cells_add(the_layer TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION,
                              n BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
        SELECT the_layer, l.level, floor((lon + 180) / l.size)::bigint,
            floor((lat + 90) / l.size)::bigint, n, n * lon, n * lat
        FROM map_levels l
        ON CONFLICT (layer, level, gx, gy) DO UPDATE SET
            count = map_cells.count + excluded.count,
            sum_lon = map_cells.sum_lon + excluded.sum_lon,
            sum_lat = map_cells.sum_lat + excluded.sum_lat;
END $$;

INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
    SELECT 'vendors', l.level, floor((v.lon + 180) / l.size)::bigint,
        floor((v.lat + 90) / l.size)::bigint, COUNT(*), SUM(v.lon), SUM(v.lat)
    FROM vendors v, map_levels l GROUP BY 1, 2, 3, 4;
INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
    SELECT CASE p.kind WHEN 'volunteer' THEN 'volunteers' ELSE 'skilled' END, l.level,
        floor((p.lon + 180) / l.size)::bigint, floor((p.lat + 90) / l.size)::bigint,
        COUNT(*), SUM(p.lon), SUM(p.lat)
    FROM providers p, map_levels l GROUP BY 1, 2, 3, 4;
INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
    SELECT 'elderly', l.level, floor((e.lon + 180) / l.size)::bigint,
        floor((e.lat + 90) / l.size)::bigint, COUNT(*), SUM(e.lon), SUM(e.lat)
    FROM elderly e, map_levels l GROUP BY 1, 2, 3, 4;

CREATE FUNCTION vendors_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM map_cells_add('vendors', OLD.lon, OLD.lat, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM map_cells_add('vendors', NEW.lon, NEW.lat, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER vendors_cells AFTER INSERT OR DELETE OR UPDATE OF lon, lat ON vendors
    FOR EACH ROW EXECUTE FUNCTION vendors_cells();

CREATE FUNCTION providers_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM map_cells_add(CASE OLD.kind WHEN 'volunteer' THEN 'volunteers'
            ELSE 'skilled' END, OLD.lon, OLD.lat, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM map_cells_add(CASE NEW.kind WHEN 'volunteer' THEN 'volunteers'
            ELSE 'skilled' END, NEW.lon, NEW.lat, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER providers_cells AFTER INSERT OR DELETE OR UPDATE OF lon, lat, kind
    ON providers FOR EACH ROW EXECUTE FUNCTION providers_cells();

CREATE FUNCTION elderly_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM map_cells_add('elderly', OLD.lon, OLD.lat, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM map_cells_add('elderly', NEW.lon, NEW.lat, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER elderly_cells AFTER INSERT OR DELETE OR UPDATE OF lon, lat ON elderly
    FOR EACH ROW EXECUTE FUNCTION elderly_cells();

ALTER TABLE vendors ADD COLUMN place geography(Point, 4326)
    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED;
CREATE INDEX vendors_place ON vendors USING gist (place);
