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
-- Only the triggers write tallies; each change adds +1 or -1 to a row. (Two writers
-- that meet on rows in opposite orders deadlock: PostgreSQL ends one, and its unit of
-- work is run again, as for any transient error.)

ALTER TABLE units ADD COLUMN hands_in BIGINT NOT NULL DEFAULT 0;

CREATE VIEW unit_hands_in AS
SELECT u.id,
       CASE WHEN u.active = 1
             AND NOT EXISTS (SELECT 1 FROM members st WHERE st.unit_id = u.id AND st.role = 'staff')
             AND NOT EXISTS (SELECT 1 FROM units ch WHERE ch.parent_id = u.id)
             AND NOT (u.demo = 1 AND EXISTS (SELECT 1 FROM units r WHERE r.demo = 0))
            THEN 1 ELSE 0 END AS hands_in
FROM units u;

UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v WHERE v.id = u.id;

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

-- One row of a tally changed by (dn, dt).
CREATE FUNCTION tally_put(p_place BIGINT, p_topic TEXT, p_of BIGINT, p_label TEXT,
                          dn BIGINT, dt BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    VALUES (p_place, p_topic, p_of, p_label, dn, dt)
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
$$;

-- Unit p_unit, below p_parent, counted by (dn, dt): at its stripe and its parent.
CREATE FUNCTION tally_add(p_unit BIGINT, p_parent BIGINT, p_topic TEXT, p_of BIGINT,
                          p_label TEXT, dn BIGINT, dt BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_put(-1 - p_unit % 16, p_topic, p_of, p_label, dn, dt);
    IF p_parent IS NOT NULL THEN
        PERFORM tally_put(p_parent, p_topic, p_of, p_label, dn, dt);
    END IF;
END $$;

-- units.hands_in follows the rule for these units (and changes only where it differs,
-- so the units' trigger fires only for a real change).
CREATE FUNCTION refresh_hands_in(p_ids BIGINT[]) RETURNS void LANGUAGE sql AS $$
    UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
    WHERE v.id = u.id AND u.id = ANY (p_ids) AND u.hands_in IS DISTINCT FROM v.hands_in;
$$;

CREATE FUNCTION refresh_demo_hands_in() RETURNS void LANGUAGE sql AS $$
    UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
    WHERE v.id = u.id AND u.demo = 1 AND u.hands_in IS DISTINCT FROM v.hands_in;
$$;

CREATE FUNCTION hands_in_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.role = 'staff' THEN PERFORM refresh_hands_in(ARRAY[NEW.unit_id]); END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.role = 'staff' THEN PERFORM refresh_hands_in(ARRAY[OLD.unit_id]); END IF;
    ELSE
        PERFORM refresh_hands_in(ARRAY[OLD.unit_id, NEW.unit_id]);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER hands_in_members AFTER INSERT OR DELETE OR UPDATE OF role, unit_id ON members
FOR EACH ROW EXECUTE FUNCTION hands_in_members();

-- What one unit counts for (its being there and its submissions), by dn: at its
-- stripe and at p_parent.
CREATE FUNCTION tally_unit(p_unit BIGINT, p_parent BIGINT, dn BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_add(p_unit, p_parent, 'units', 0, '', dn, 0);
    PERFORM tally_add(p_unit, p_parent, 'submission', s.deadline_id, s.status || ':' || s.late,
                      dn * COUNT(*), 0)
    FROM submissions s WHERE s.unit_id = p_unit GROUP BY s.deadline_id, s.status, s.late;
    PERFORM tally_add(p_unit, p_parent, 'hour', s.deadline_id, SUBSTR(s.submitted_at, 1, 13),
                      dn * COUNT(*), 0)
    FROM submissions s WHERE s.unit_id = p_unit
    GROUP BY s.deadline_id, SUBSTR(s.submitted_at, 1, 13);
END $$;

CREATE FUNCTION units_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_hands_in(ARRAY[NEW.id, NEW.parent_id]);
        IF NEW.demo = 0 THEN PERFORM refresh_demo_hands_in(); END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        -- A unit with submissions or works cannot be removed (the foreign keys
        -- refuse): it counted for no more than itself.
        IF OLD.hands_in = 1 THEN PERFORM tally_add(OLD.id, OLD.parent_id, 'units', 0, '', -1, 0); END IF;
        PERFORM refresh_hands_in(ARRAY[OLD.parent_id]);
        PERFORM refresh_demo_hands_in();
        RETURN NULL;
    END IF;
    -- A unit that starts or stops handing in, or moves, takes what it counted for along.
    IF OLD.hands_in IS DISTINCT FROM NEW.hands_in OR OLD.parent_id IS DISTINCT FROM NEW.parent_id THEN
        IF OLD.hands_in = 1 THEN PERFORM tally_unit(OLD.id, OLD.parent_id, -1); END IF;
        IF NEW.hands_in = 1 THEN PERFORM tally_unit(NEW.id, NEW.parent_id, 1); END IF;
    END IF;
    -- Works count wherever their unit is, handing in or not: only a move changes them.
    IF OLD.parent_id IS DISTINCT FROM NEW.parent_id THEN
        PERFORM tally_put(OLD.parent_id, 'work', r.campaign_id, r.kind, -COUNT(*),
                          -CAST(SUM(r.estimated_value_vnd) AS BIGINT))
        FROM registrations r WHERE r.unit_id = OLD.id AND r.status = 'submitted'
          AND OLD.parent_id IS NOT NULL GROUP BY r.campaign_id, r.kind;
        PERFORM tally_put(NEW.parent_id, 'work', r.campaign_id, r.kind, COUNT(*),
                          CAST(SUM(r.estimated_value_vnd) AS BIGINT))
        FROM registrations r WHERE r.unit_id = NEW.id AND r.status = 'submitted'
          AND NEW.parent_id IS NOT NULL GROUP BY r.campaign_id, r.kind;
    END IF;
    IF OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.active IS DISTINCT FROM NEW.active
       OR OLD.demo IS DISTINCT FROM NEW.demo THEN
        PERFORM refresh_hands_in(ARRAY[NEW.id, OLD.parent_id, NEW.parent_id]);
    END IF;
    IF OLD.demo IS DISTINCT FROM NEW.demo THEN PERFORM refresh_demo_hands_in(); END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER units_changed
AFTER INSERT OR DELETE OR UPDATE OF parent_id, active, demo, hands_in ON units
FOR EACH ROW EXECUTE FUNCTION units_changed();

-- A submission counts while its unit hands things in.
CREATE FUNCTION tally_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    u RECORD;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT hands_in, parent_id INTO u FROM units WHERE id = OLD.unit_id;
        IF u.hands_in = 1 THEN
            PERFORM tally_add(OLD.unit_id, u.parent_id, 'submission', OLD.deadline_id,
                              OLD.status || ':' || OLD.late, -1, 0);
            PERFORM tally_add(OLD.unit_id, u.parent_id, 'hour', OLD.deadline_id,
                              SUBSTR(OLD.submitted_at, 1, 13), -1, 0);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT hands_in, parent_id INTO u FROM units WHERE id = NEW.unit_id;
        IF u.hands_in = 1 THEN
            PERFORM tally_add(NEW.unit_id, u.parent_id, 'submission', NEW.deadline_id,
                              NEW.status || ':' || NEW.late, 1, 0);
            PERFORM tally_add(NEW.unit_id, u.parent_id, 'hour', NEW.deadline_id,
                              SUBSTR(NEW.submitted_at, 1, 13), 1, 0);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tally_submissions
AFTER INSERT OR DELETE OR UPDATE OF status, late, submitted_at, unit_id, deadline_id
ON submissions FOR EACH ROW EXECUTE FUNCTION tally_submissions();

-- A work counts while it is registered.
CREATE FUNCTION tally_works() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'submitted' THEN
        PERFORM tally_add(OLD.unit_id, (SELECT parent_id FROM units WHERE id = OLD.unit_id), 'work',
                          OLD.campaign_id, OLD.kind, -1, -OLD.estimated_value_vnd);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'submitted' THEN
        PERFORM tally_add(NEW.unit_id, (SELECT parent_id FROM units WHERE id = NEW.unit_id), 'work',
                          NEW.campaign_id, NEW.kind, 1, NEW.estimated_value_vnd);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tally_works
AFTER INSERT OR DELETE OR UPDATE OF status, kind, estimated_value_vnd, unit_id, campaign_id
ON registrations FOR EACH ROW EXECUTE FUNCTION tally_works();
