-- Kept figures for the staff desk: a province of 100 000 units cannot recount on
-- every page which units hand things in and what they handed in.
--
-- units.hands_in is the rule "this unit hands things in" (view unit_hands_in: active,
-- no staff, no unit below it, not the console's sample once a real unit exists),
-- kept by the triggers below whenever anything it reads changes.
--
-- tallies holds counts of the units that hand things in, at two places each: one of
-- the stripes -1 to -16 (-1 - id % 16; together they count every unit, and no one row
-- is every writer's) and the unit's parent. A staff member's figures are the rows of
-- the stripes (top of the tree) or of the federations in their branch; never a pass
-- over the units.
--   topic 'units'       of_id 0            label ''               n units
--   topic 'submission'  of_id deadline     label 'status:late'    n submissions
--   topic 'hour'        of_id deadline     label UTC hour         n hand-ins
--   topic 'work'        of_id campaign     label kind             n works, total value
-- ('work' counts every still-registered work, whoever's unit it is.)
-- Only the triggers write tallies; each change adds +1 or -1 to a row.

ALTER TABLE units ADD COLUMN hands_in BIGINT NOT NULL DEFAULT 0;

CREATE VIEW unit_hands_in AS
SELECT u.id,
       CASE WHEN u.active = 1
             AND NOT EXISTS (SELECT 1 FROM members st WHERE st.unit_id = u.id AND st.role = 'staff')
             AND NOT EXISTS (SELECT 1 FROM units ch WHERE ch.parent_id = u.id)
             AND NOT (u.demo = 1 AND EXISTS (SELECT 1 FROM units r WHERE r.demo = 0))
            THEN 1 ELSE 0 END AS hands_in
FROM units u;

UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id);

-- The federations' walk down a branch reads only units that do not hand things in
-- (SQLite passed over a partial index for it); the grid pages by id through those that do.
CREATE INDEX units_federations ON units (parent_id, hands_in);
CREATE INDEX units_handing_in ON units (hands_in, id);
-- A name typed on the grid is looked for in this index, a third of the table's size.
CREATE INDEX units_names ON units (hands_in, folded_name);
-- The proposed works are listed by number: read in that order from the flag's index,
-- not by walking every work of the campaign in number order (29 ms at 90 000 works).
DROP INDEX registrations_featured;
CREATE INDEX registrations_featured ON registrations (campaign_id, featured, status, seq);

CREATE TABLE tallies (
    place BIGINT NOT NULL,
    topic TEXT NOT NULL,
    of_id BIGINT NOT NULL,
    label TEXT NOT NULL,
    n BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (place, topic, of_id, label)
);

-- What is there now.
INSERT INTO tallies (place, topic, of_id, label, n, total)
SELECT p.place, 'units', 0, '', COUNT(*), 0
FROM units u JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
                   SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = u.id
WHERE u.hands_in = 1 GROUP BY p.place;

INSERT INTO tallies (place, topic, of_id, label, n, total)
SELECT p.place, 'submission', s.deadline_id, s.status || ':' || s.late, COUNT(*), 0
FROM submissions s JOIN units u ON u.id = s.unit_id
JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
      SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = u.id
WHERE u.hands_in = 1 GROUP BY p.place, s.deadline_id, s.status, s.late;

INSERT INTO tallies (place, topic, of_id, label, n, total)
SELECT p.place, 'hour', s.deadline_id, SUBSTR(s.submitted_at, 1, 13), COUNT(*), 0
FROM submissions s JOIN units u ON u.id = s.unit_id
JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
      SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = u.id
WHERE u.hands_in = 1 GROUP BY p.place, s.deadline_id, SUBSTR(s.submitted_at, 1, 13);

INSERT INTO tallies (place, topic, of_id, label, n, total)
SELECT p.place, 'work', r.campaign_id, r.kind, COUNT(*), SUM(r.estimated_value_vnd)
FROM registrations r
JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
      SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = r.unit_id
WHERE r.status = 'submitted' GROUP BY p.place, r.campaign_id, r.kind;

-- units.hands_in follows the rule.

CREATE TRIGGER hands_in_staff_added AFTER INSERT ON members WHEN NEW.role = 'staff'
BEGIN
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE id = NEW.unit_id;
END;

CREATE TRIGGER hands_in_staff_removed AFTER DELETE ON members WHEN OLD.role = 'staff'
BEGIN
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE id = OLD.unit_id;
END;

CREATE TRIGGER hands_in_member_changed AFTER UPDATE OF role, unit_id ON members
BEGIN
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE id IN (OLD.unit_id, NEW.unit_id);
END;

CREATE TRIGGER hands_in_unit_added AFTER INSERT ON units
BEGIN
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE id IN (NEW.id, NEW.parent_id);
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE demo = 1 AND NEW.demo = 0;
END;

CREATE TRIGGER hands_in_unit_changed AFTER UPDATE OF parent_id, active, demo ON units
BEGIN
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE id IN (NEW.id, OLD.parent_id, NEW.parent_id);
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE demo = 1 AND OLD.demo IS NOT NEW.demo;
END;

CREATE TRIGGER hands_in_unit_removed AFTER DELETE ON units
BEGIN
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE id = OLD.parent_id;
    UPDATE units SET hands_in = (SELECT v.hands_in FROM unit_hands_in v WHERE v.id = units.id)
    WHERE demo = 1;
    -- A unit with submissions or works cannot be removed (the foreign keys refuse):
    -- it counted for no more than itself.
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'units', 0, '', -1, 0
    FROM (SELECT -1 - OLD.id % 16 AS place UNION ALL SELECT OLD.parent_id WHERE OLD.parent_id IS NOT NULL) p
    WHERE OLD.hands_in = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
END;

-- A unit that starts or stops handing in, or moves, takes what it counted for along.

CREATE TRIGGER tally_unit_changed AFTER UPDATE OF hands_in, parent_id ON units
WHEN OLD.hands_in IS NOT NEW.hands_in OR OLD.parent_id IS NOT NEW.parent_id
BEGIN
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'units', 0, '', -1, 0
    FROM (SELECT -1 - OLD.id % 16 AS place UNION ALL SELECT OLD.parent_id WHERE OLD.parent_id IS NOT NULL) p
    WHERE OLD.hands_in = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'units', 0, '', 1, 0
    FROM (SELECT -1 - NEW.id % 16 AS place UNION ALL SELECT NEW.parent_id WHERE NEW.parent_id IS NOT NULL) p
    WHERE NEW.hands_in = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;

    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'submission', s.deadline_id, s.status || ':' || s.late, -COUNT(*), 0
    FROM submissions s,
         (SELECT -1 - OLD.id % 16 AS place UNION ALL SELECT OLD.parent_id WHERE OLD.parent_id IS NOT NULL) p
    WHERE s.unit_id = OLD.id AND OLD.hands_in = 1
    GROUP BY p.place, s.deadline_id, s.status, s.late
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'submission', s.deadline_id, s.status || ':' || s.late, COUNT(*), 0
    FROM submissions s,
         (SELECT -1 - NEW.id % 16 AS place UNION ALL SELECT NEW.parent_id WHERE NEW.parent_id IS NOT NULL) p
    WHERE s.unit_id = NEW.id AND NEW.hands_in = 1
    GROUP BY p.place, s.deadline_id, s.status, s.late
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;

    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'hour', s.deadline_id, SUBSTR(s.submitted_at, 1, 13), -COUNT(*), 0
    FROM submissions s,
         (SELECT -1 - OLD.id % 16 AS place UNION ALL SELECT OLD.parent_id WHERE OLD.parent_id IS NOT NULL) p
    WHERE s.unit_id = OLD.id AND OLD.hands_in = 1
    GROUP BY p.place, s.deadline_id, SUBSTR(s.submitted_at, 1, 13)
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'hour', s.deadline_id, SUBSTR(s.submitted_at, 1, 13), COUNT(*), 0
    FROM submissions s,
         (SELECT -1 - NEW.id % 16 AS place UNION ALL SELECT NEW.parent_id WHERE NEW.parent_id IS NOT NULL) p
    WHERE s.unit_id = NEW.id AND NEW.hands_in = 1
    GROUP BY p.place, s.deadline_id, SUBSTR(s.submitted_at, 1, 13)
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;

    -- Works count wherever their unit is, handing in or not: only a move changes them.
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT OLD.parent_id, 'work', r.campaign_id, r.kind, -COUNT(*), -SUM(r.estimated_value_vnd)
    FROM registrations r
    WHERE r.unit_id = OLD.id AND r.status = 'submitted' AND OLD.parent_id IS NOT NULL
      AND OLD.parent_id IS NOT NEW.parent_id
    GROUP BY r.campaign_id, r.kind
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT NEW.parent_id, 'work', r.campaign_id, r.kind, COUNT(*), SUM(r.estimated_value_vnd)
    FROM registrations r
    WHERE r.unit_id = NEW.id AND r.status = 'submitted' AND NEW.parent_id IS NOT NULL
      AND OLD.parent_id IS NOT NEW.parent_id
    GROUP BY r.campaign_id, r.kind
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
END;

-- A submission counts while its unit hands things in.

CREATE TRIGGER tally_submission_added AFTER INSERT ON submissions
WHEN (SELECT hands_in FROM units WHERE id = NEW.unit_id) = 1
BEGIN
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'submission', NEW.deadline_id, NEW.status || ':' || NEW.late, 1, 0
    FROM (SELECT -1 - NEW.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = NEW.unit_id AND parent_id IS NOT NULL) p
    WHERE 1 = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'hour', NEW.deadline_id, SUBSTR(NEW.submitted_at, 1, 13), 1, 0
    FROM (SELECT -1 - NEW.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = NEW.unit_id AND parent_id IS NOT NULL) p
    WHERE 1 = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
END;

CREATE TRIGGER tally_submission_changed
AFTER UPDATE OF status, late, submitted_at, unit_id, deadline_id ON submissions
BEGIN
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'submission', OLD.deadline_id, OLD.status || ':' || OLD.late, -1, 0
    FROM (SELECT -1 - OLD.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = OLD.unit_id AND parent_id IS NOT NULL) p
    WHERE (SELECT hands_in FROM units WHERE id = OLD.unit_id) = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'hour', OLD.deadline_id, SUBSTR(OLD.submitted_at, 1, 13), -1, 0
    FROM (SELECT -1 - OLD.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = OLD.unit_id AND parent_id IS NOT NULL) p
    WHERE (SELECT hands_in FROM units WHERE id = OLD.unit_id) = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'submission', NEW.deadline_id, NEW.status || ':' || NEW.late, 1, 0
    FROM (SELECT -1 - NEW.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = NEW.unit_id AND parent_id IS NOT NULL) p
    WHERE (SELECT hands_in FROM units WHERE id = NEW.unit_id) = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'hour', NEW.deadline_id, SUBSTR(NEW.submitted_at, 1, 13), 1, 0
    FROM (SELECT -1 - NEW.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = NEW.unit_id AND parent_id IS NOT NULL) p
    WHERE (SELECT hands_in FROM units WHERE id = NEW.unit_id) = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
END;

CREATE TRIGGER tally_submission_removed AFTER DELETE ON submissions
WHEN (SELECT hands_in FROM units WHERE id = OLD.unit_id) = 1
BEGIN
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'submission', OLD.deadline_id, OLD.status || ':' || OLD.late, -1, 0
    FROM (SELECT -1 - OLD.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = OLD.unit_id AND parent_id IS NOT NULL) p
    WHERE 1 = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'hour', OLD.deadline_id, SUBSTR(OLD.submitted_at, 1, 13), -1, 0
    FROM (SELECT -1 - OLD.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = OLD.unit_id AND parent_id IS NOT NULL) p
    WHERE 1 = 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
END;

-- A work counts while it is registered.

CREATE TRIGGER tally_work_added AFTER INSERT ON registrations WHEN NEW.status = 'submitted'
BEGIN
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'work', NEW.campaign_id, NEW.kind, 1, NEW.estimated_value_vnd
    FROM (SELECT -1 - NEW.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = NEW.unit_id AND parent_id IS NOT NULL) p
    WHERE 1 = 1
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
END;

CREATE TRIGGER tally_work_changed
AFTER UPDATE OF status, kind, estimated_value_vnd, unit_id, campaign_id ON registrations
BEGIN
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'work', OLD.campaign_id, OLD.kind, -1, -OLD.estimated_value_vnd
    FROM (SELECT -1 - OLD.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = OLD.unit_id AND parent_id IS NOT NULL) p
    WHERE OLD.status = 'submitted'
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'work', NEW.campaign_id, NEW.kind, 1, NEW.estimated_value_vnd
    FROM (SELECT -1 - NEW.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = NEW.unit_id AND parent_id IS NOT NULL) p
    WHERE NEW.status = 'submitted'
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
END;

CREATE TRIGGER tally_work_removed AFTER DELETE ON registrations WHEN OLD.status = 'submitted'
BEGIN
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'work', OLD.campaign_id, OLD.kind, -1, -OLD.estimated_value_vnd
    FROM (SELECT -1 - OLD.unit_id % 16 AS place UNION ALL
          SELECT parent_id FROM units WHERE id = OLD.unit_id AND parent_id IS NOT NULL) p
    WHERE 1 = 1
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
END;
