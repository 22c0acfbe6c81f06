-- The map (SPEC G1). Zoomed out, the map shows how many providers or people lie in each
-- square of a grid, not a million markers: `map_cells` keeps those counts (and the sums of
-- positions, for each square's centre of mass) for every layer at four grid sizes, kept by
-- triggers as rows come, go and move, so that a view of the whole city reads a few hundred
-- rows. A square is numbered from 180° W and 90° S: gx = ⌊(lon + 180) / size⌋ (a cast of a
-- non-negative number truncates, which is that floor), gy likewise.
--
-- Zoomed in, the map reads the points themselves over the spatial indexes; vendors get a
-- 2-D R*Tree of their own for that (their services have one by service and place).

CREATE TABLE map_levels (
    level INTEGER PRIMARY KEY,
    size  REAL NOT NULL
);
INSERT INTO map_levels (level, size) VALUES (0, 0.005), (1, 0.02), (2, 0.08), (3, 0.32);

CREATE TABLE map_cells (
    layer   TEXT NOT NULL,
    level   INTEGER NOT NULL,
    gx      INTEGER NOT NULL,
    gy      INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    sum_lon REAL NOT NULL,
    sum_lat REAL NOT NULL,
    PRIMARY KEY (layer, level, gx, gy)
);

INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
    SELECT 'vendors', l.level, CAST((v.lon + 180) / l.size AS INTEGER),
        CAST((v.lat + 90) / l.size AS INTEGER), COUNT(*), SUM(v.lon), SUM(v.lat)
    FROM vendors v, map_levels l GROUP BY 1, 2, 3, 4;
INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
    SELECT CASE p.kind WHEN 'volunteer' THEN 'volunteers' ELSE 'skilled' END, l.level,
        CAST((p.lon + 180) / l.size AS INTEGER), CAST((p.lat + 90) / l.size AS INTEGER),
        COUNT(*), SUM(p.lon), SUM(p.lat)
    FROM providers p, map_levels l GROUP BY 1, 2, 3, 4;
INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
    SELECT 'elderly', l.level, CAST((e.lon + 180) / l.size AS INTEGER),
        CAST((e.lat + 90) / l.size AS INTEGER), COUNT(*), SUM(e.lon), SUM(e.lat)
    FROM elderly e, map_levels l GROUP BY 1, 2, 3, 4;

-- `map_cell_changes` is where a change is written: inserting (layer, lon, lat, n) adds n rows
-- at that position to the layer's squares at every level (n = -1 takes one out), like
-- PostgreSQL's `map_cells_add`. Each table's triggers write one line per change; a move
-- takes the row out of its old squares and puts it into its new ones.
CREATE VIEW map_cell_changes AS
    SELECT '' AS layer, 0.0 AS lon, 0.0 AS lat, 0 AS n WHERE 0;
CREATE TRIGGER map_cell_changes_apply INSTEAD OF INSERT ON map_cell_changes BEGIN
    INSERT INTO map_cells (layer, level, gx, gy, count, sum_lon, sum_lat)
        SELECT new.layer, l.level, CAST((new.lon + 180) / l.size AS INTEGER),
            CAST((new.lat + 90) / l.size AS INTEGER), new.n, new.n * new.lon, new.n * new.lat
        FROM map_levels l WHERE true
        ON CONFLICT (layer, level, gx, gy) DO UPDATE SET count = count + excluded.count,
            sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

CREATE TRIGGER vendors_cells_insert AFTER INSERT ON vendors BEGIN
    INSERT INTO map_cell_changes VALUES ('vendors', new.lon, new.lat, 1);
END;
CREATE TRIGGER vendors_cells_delete AFTER DELETE ON vendors BEGIN
    INSERT INTO map_cell_changes VALUES ('vendors', old.lon, old.lat, -1);
END;
CREATE TRIGGER vendors_cells_move AFTER UPDATE OF lon, lat ON vendors BEGIN
    INSERT INTO map_cell_changes VALUES ('vendors', old.lon, old.lat, -1),
        ('vendors', new.lon, new.lat, 1);
END;

CREATE TRIGGER providers_cells_insert AFTER INSERT ON providers BEGIN
    INSERT INTO map_cell_changes VALUES
        (CASE new.kind WHEN 'volunteer' THEN 'volunteers' ELSE 'skilled' END,
         new.lon, new.lat, 1);
END;
CREATE TRIGGER providers_cells_delete AFTER DELETE ON providers BEGIN
    INSERT INTO map_cell_changes VALUES
        (CASE old.kind WHEN 'volunteer' THEN 'volunteers' ELSE 'skilled' END,
         old.lon, old.lat, -1);
END;
CREATE TRIGGER providers_cells_move AFTER UPDATE OF lon, lat, kind ON providers BEGIN
    INSERT INTO map_cell_changes VALUES
        (CASE old.kind WHEN 'volunteer' THEN 'volunteers' ELSE 'skilled' END,
         old.lon, old.lat, -1),
        (CASE new.kind WHEN 'volunteer' THEN 'volunteers' ELSE 'skilled' END,
         new.lon, new.lat, 1);
END;

CREATE TRIGGER elderly_cells_insert AFTER INSERT ON elderly BEGIN
    INSERT INTO map_cell_changes VALUES ('elderly', new.lon, new.lat, 1);
END;
CREATE TRIGGER elderly_cells_delete AFTER DELETE ON elderly BEGIN
    INSERT INTO map_cell_changes VALUES ('elderly', old.lon, old.lat, -1);
END;
CREATE TRIGGER elderly_cells_move AFTER UPDATE OF lon, lat ON elderly BEGIN
    INSERT INTO map_cell_changes VALUES ('elderly', old.lon, old.lat, -1),
        ('elderly', new.lon, new.lat, 1);
END;

CREATE VIRTUAL TABLE vendors_at USING rtree(id, min_lon, max_lon, min_lat, max_lat);
INSERT INTO vendors_at SELECT id, lon, lon, lat, lat FROM vendors;
CREATE TRIGGER vendors_at_insert AFTER INSERT ON vendors BEGIN
    INSERT INTO vendors_at VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER vendors_at_update AFTER UPDATE OF lon, lat ON vendors BEGIN
    UPDATE vendors_at SET min_lon = new.lon, max_lon = new.lon, min_lat = new.lat,
        max_lat = new.lat WHERE id = new.id;
END;
CREATE TRIGGER vendors_at_delete AFTER DELETE ON vendors BEGIN
    DELETE FROM vendors_at WHERE id = old.id;
END;
