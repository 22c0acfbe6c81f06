-- A bulk load (seed, demo, registry imports) adds its rows to the map's counts once, at the
-- end, instead of row by row. Row by row, every insert updated the same few `map_cells`
-- rows, and a transaction of a million inserts left a million versions of them behind:
-- 489 s to load 1,000,000 elderly against 100 s without the triggers (BENCHMARKS.md).
--
-- A load says `SET LOCAL hotline.bulk_load = 'on'` in its transaction; the per-row
-- triggers then stand aside for that transaction only, and before it commits the load
-- recounts each layer it wrote with `map_cells_recount` (one grouped pass over the table).
-- Every other writer keeps the per-row triggers.

CREATE OR REPLACE FUNCTION bulk_loading() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('hotline.bulk_load', true), '') = 'on'
$$;

CREATE OR REPLACE FUNCTION vendors_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_loading() THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM map_cells_add('vendors', OLD.lon, OLD.lat, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM map_cells_add('vendors', NEW.lon, NEW.lat, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION providers_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_loading() THEN
        RETURN NULL;
    END IF;
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

CREATE OR REPLACE FUNCTION elderly_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_loading() THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM map_cells_add('elderly', OLD.lon, OLD.lat, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM map_cells_add('elderly', NEW.lon, NEW.lat, 1);
    END IF;
    RETURN NULL;
END $$;

-- Counts one layer afresh from its table.
CREATE FUNCTION map_cells_recount(the_layer TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM map_cells WHERE layer = the_layer;
    IF the_layer = 'vendors' THEN
        INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
            SELECT 'vendors', l.level, floor((v.lon + 180) / l.size)::bigint,
                floor((v.lat + 90) / l.size)::bigint, COUNT(*), SUM(v.lon), SUM(v.lat)
            FROM vendors v, map_levels l GROUP BY 1, 2, 3, 4;
    ELSIF the_layer IN ('skilled', 'volunteers') THEN
        INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
            SELECT the_layer, l.level, floor((p.lon + 180) / l.size)::bigint,
                floor((p.lat + 90) / l.size)::bigint, COUNT(*), SUM(p.lon), SUM(p.lat)
            FROM providers p, map_levels l
            WHERE (p.kind = 'volunteer') = (the_layer = 'volunteers')
            GROUP BY 1, 2, 3, 4;
    ELSIF the_layer = 'elderly' THEN
        INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
            SELECT 'elderly', l.level, floor((e.lon + 180) / l.size)::bigint,
                floor((e.lat + 90) / l.size)::bigint, COUNT(*), SUM(e.lon), SUM(e.lat)
            FROM elderly e, map_levels l GROUP BY 1, 2, 3, 4;
    ELSE
        RAISE EXCEPTION 'no map layer %', the_layer;
    END IF;
END $$;
