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
-- Only the triggers write tallies. They are statement triggers: a statement's changes
-- are summed per row of tallies and each row is written once, in key order (so two
-- writers lock shared rows in the same order). Row triggers wrote a row once per
-- changed row, and PostgreSQL's row versions made a bulk statement quadratic (90 000
-- works updated at once ran for minutes).

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

-- units.hands_in follows the rule (view unit_hands_in) for the units a statement may
-- have changed it for; only rows where it differs are written.

CREATE FUNCTION hands_in_members_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
    WHERE v.id = u.id AND u.hands_in IS DISTINCT FROM v.hands_in
      AND u.id IN (SELECT unit_id FROM new_members WHERE role = 'staff');
    RETURN NULL;
END $$;
CREATE TRIGGER hands_in_members_added AFTER INSERT ON members
REFERENCING NEW TABLE AS new_members FOR EACH STATEMENT EXECUTE FUNCTION hands_in_members_added();

CREATE FUNCTION hands_in_members_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
    WHERE v.id = u.id AND u.hands_in IS DISTINCT FROM v.hands_in
      AND u.id IN (SELECT unit_id FROM old_members WHERE role = 'staff');
    RETURN NULL;
END $$;
CREATE TRIGGER hands_in_members_removed AFTER DELETE ON members
REFERENCING OLD TABLE AS old_members FOR EACH STATEMENT EXECUTE FUNCTION hands_in_members_removed();

CREATE FUNCTION hands_in_members_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Most updates of members (a name, a chat, a key) change nothing the rule reads:
    -- seen without a join, and then nothing more is done.
    IF (SELECT string_agg(concat_ws(',', id, role, unit_id), ';' ORDER BY id) FROM old_members)
       IS NOT DISTINCT FROM
       (SELECT string_agg(concat_ws(',', id, role, unit_id), ';' ORDER BY id) FROM new_members) THEN
        RETURN NULL;
    END IF;
    -- EXECUTE: planned for this statement's tables (see units_changed).
    EXECUTE $q$
    UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
    WHERE v.id = u.id AND u.hands_in IS DISTINCT FROM v.hands_in
      AND u.id IN (SELECT o.unit_id FROM old_members o JOIN new_members n ON n.id = o.id
                   WHERE o.role IS DISTINCT FROM n.role OR o.unit_id IS DISTINCT FROM n.unit_id
                   UNION
                   SELECT n.unit_id FROM old_members o JOIN new_members n ON n.id = o.id
                   WHERE o.role IS DISTINCT FROM n.role OR o.unit_id IS DISTINCT FROM n.unit_id)
    $q$;
    RETURN NULL;
END $$;
CREATE TRIGGER hands_in_members_changed AFTER UPDATE ON members
REFERENCING OLD TABLE AS old_members NEW TABLE AS new_members
FOR EACH STATEMENT EXECUTE FUNCTION hands_in_members_changed();

CREATE FUNCTION units_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- New units start at 0; this sets those that hand in (the units' update trigger
    -- then counts them) and turns their parents into federations.
    UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
    WHERE v.id = u.id AND u.hands_in IS DISTINCT FROM v.hands_in
      AND u.id IN (SELECT id FROM new_units UNION SELECT parent_id FROM new_units
                   UNION SELECT d.id FROM units d
                   WHERE d.demo = 1 AND EXISTS (SELECT 1 FROM new_units WHERE demo = 0));
    RETURN NULL;
END $$;
CREATE TRIGGER units_added AFTER INSERT ON units
REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION units_added();

CREATE FUNCTION units_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A unit with submissions or works cannot be removed (the foreign keys refuse):
    -- it counted for no more than itself.
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'units', 0, '', -COUNT(*), 0
    FROM old_units o CROSS JOIN LATERAL (VALUES (-1 - o.id % 16), (o.parent_id)) p(place)
    WHERE o.hands_in = 1 AND p.place IS NOT NULL
    GROUP BY p.place ORDER BY 1
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
    UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
    WHERE v.id = u.id AND u.hands_in IS DISTINCT FROM v.hands_in
      AND u.id IN (SELECT parent_id FROM old_units UNION SELECT id FROM units WHERE demo = 1);
    RETURN NULL;
END $$;
CREATE TRIGGER units_removed AFTER DELETE ON units
REFERENCING OLD TABLE AS old_units FOR EACH STATEMENT EXECUTE FUNCTION units_removed();

CREATE FUNCTION units_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rule_inputs BIGINT;
BEGIN
    -- Most updates of units (a name, a contact, a folded name) change nothing counted
    -- here: seen without a join, and then nothing more is done.
    IF (SELECT string_agg(concat_ws(',', id, hands_in, parent_id, active, demo), ';' ORDER BY id)
        FROM old_units) IS NOT DISTINCT FROM
       (SELECT string_agg(concat_ws(',', id, hands_in, parent_id, active, demo), ';' ORDER BY id)
        FROM new_units) THEN
        RETURN NULL;
    END IF;
    -- Each statement below joins the statement's two tables (old and new rows), so it
    -- runs by EXECUTE, planned for their sizes each time: PL/pgSQL keeps a statement's
    -- first plan, and the one made for a one-row update joined a 100 000-row insert's
    -- tables by a nested loop (10 000 units took 14 s, 20 000 took 57 s).
    -- A unit that starts or stops handing in, or moves, takes what it counted for
    -- (itself and its submissions) from its old places to its new ones.
    EXECUTE $q$
    WITH ch AS (
        SELECT o.id, o.hands_in AS old_in, o.parent_id AS old_parent,
               n.hands_in AS new_in, n.parent_id AS new_parent
        FROM old_units o JOIN new_units n ON n.id = o.id
        WHERE o.hands_in IS DISTINCT FROM n.hands_in OR o.parent_id IS DISTINCT FROM n.parent_id),
    sides AS (
        SELECT id, old_parent AS parent, -1 AS dn FROM ch WHERE old_in = 1
        UNION ALL SELECT id, new_parent, 1 FROM ch WHERE new_in = 1),
    d AS (
        SELECT s.id, s.parent, s.dn, 'units' AS topic, CAST(0 AS BIGINT) AS of_id, '' AS label
        FROM sides s
        UNION ALL SELECT s.id, s.parent, s.dn, 'submission', x.deadline_id, x.status || ':' || x.late
        FROM sides s JOIN submissions x ON x.unit_id = s.id
        UNION ALL SELECT s.id, s.parent, s.dn, 'hour', x.deadline_id, SUBSTR(x.submitted_at, 1, 13)
        FROM sides s JOIN submissions x ON x.unit_id = s.id)
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, d.topic, d.of_id, d.label, SUM(d.dn), 0
    FROM d CROSS JOIN LATERAL (VALUES (-1 - d.id % 16), (d.parent)) p(place)
    WHERE p.place IS NOT NULL
    GROUP BY p.place, d.topic, d.of_id, d.label HAVING SUM(d.dn) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n
    $q$;

    -- Works count wherever their unit is, handing in or not: only a move changes
    -- them, and only at the parent (every unit's stripe is where it was).
    EXECUTE $q$
    WITH moved AS (
        SELECT o.id, o.parent_id AS old_parent, n.parent_id AS new_parent
        FROM old_units o JOIN new_units n ON n.id = o.id
        WHERE o.parent_id IS DISTINCT FROM n.parent_id),
    d AS (
        SELECT m.old_parent AS place, r.campaign_id, r.kind, -1 AS dn, r.estimated_value_vnd AS v
        FROM moved m JOIN registrations r ON r.unit_id = m.id
        WHERE r.status = 'submitted' AND m.old_parent IS NOT NULL
        UNION ALL SELECT m.new_parent, r.campaign_id, r.kind, 1, r.estimated_value_vnd
        FROM moved m JOIN registrations r ON r.unit_id = m.id
        WHERE r.status = 'submitted' AND m.new_parent IS NOT NULL)
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT d.place, 'work', d.campaign_id, d.kind, SUM(d.dn), SUM(d.dn * d.v)
    FROM d GROUP BY d.place, d.campaign_id, d.kind
    HAVING SUM(d.dn) <> 0 OR SUM(d.dn * d.v) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total
    $q$;

    -- What the rule reads changed: the unit, its old and new parent, and the sample
    -- units when a unit became or stopped being the sample. Only then: this update
    -- fires this trigger again, and it must end.
    EXECUTE $q$
    SELECT COUNT(*) FROM old_units o JOIN new_units n ON n.id = o.id
    WHERE o.parent_id IS DISTINCT FROM n.parent_id
       OR o.active IS DISTINCT FROM n.active OR o.demo IS DISTINCT FROM n.demo
    $q$ INTO rule_inputs;
    IF rule_inputs > 0 THEN
        EXECUTE $q$
        UPDATE units u SET hands_in = v.hands_in FROM unit_hands_in v
        WHERE v.id = u.id AND u.hands_in IS DISTINCT FROM v.hands_in
          AND u.id IN (
            SELECT n.id FROM old_units o JOIN new_units n ON n.id = o.id
            WHERE o.parent_id IS DISTINCT FROM n.parent_id
               OR o.active IS DISTINCT FROM n.active OR o.demo IS DISTINCT FROM n.demo
            UNION SELECT o.parent_id FROM old_units o JOIN new_units n ON n.id = o.id
            WHERE o.parent_id IS DISTINCT FROM n.parent_id
            UNION SELECT n.parent_id FROM old_units o JOIN new_units n ON n.id = o.id
            WHERE o.parent_id IS DISTINCT FROM n.parent_id
            UNION SELECT d.id FROM units d WHERE d.demo = 1 AND EXISTS (
                SELECT 1 FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.demo IS DISTINCT FROM n.demo))
        $q$;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER units_changed AFTER UPDATE ON units
REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units
FOR EACH STATEMENT EXECUTE FUNCTION units_changed();

-- A submission counts while its unit hands things in. A statement's rows before it
-- (dn -1) and after it (dn +1) come as JSON, so that one statement counts them for
-- inserts, updates and removals alike.
CREATE FUNCTION tally_submissions_apply(p_rows JSONB) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, k.topic, d.deadline_id, k.label, SUM(d.dn), 0
    FROM jsonb_to_recordset(COALESCE(p_rows, '[]')) AS d(unit_id BIGINT, deadline_id BIGINT,
         status TEXT, late BIGINT, submitted_at TEXT, dn BIGINT)
    JOIN units u ON u.id = d.unit_id AND u.hands_in = 1
    CROSS JOIN LATERAL (VALUES ('submission', d.status || ':' || d.late),
                               ('hour', SUBSTR(d.submitted_at, 1, 13))) k(topic, label)
    CROSS JOIN LATERAL (VALUES (-1 - u.id % 16), (u.parent_id)) p(place)
    WHERE p.place IS NOT NULL
    GROUP BY p.place, k.topic, d.deadline_id, k.label HAVING SUM(d.dn) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (place, topic, of_id, label) DO UPDATE SET n = tallies.n + excluded.n;
$$;

CREATE FUNCTION tally_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tally_submissions_apply(
            (SELECT jsonb_agg(to_jsonb(r) || '{"dn": 1}') FROM new_rows r));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tally_submissions_apply(
            (SELECT jsonb_agg(to_jsonb(r) || '{"dn": -1}') FROM old_rows r));
    ELSIF (SELECT string_agg(concat_ws(',', id, unit_id, deadline_id, status, late, submitted_at),
                             ';' ORDER BY id) FROM old_rows) IS DISTINCT FROM
          (SELECT string_agg(concat_ws(',', id, unit_id, deadline_id, status, late, submitted_at),
                             ';' ORDER BY id) FROM new_rows) THEN
        PERFORM tally_submissions_apply((SELECT jsonb_agg(x) FROM (
            SELECT to_jsonb(r) || '{"dn": -1}' AS x FROM old_rows r
            UNION ALL SELECT to_jsonb(r) || '{"dn": 1}' FROM new_rows r) y));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tally_submissions_added AFTER INSERT ON submissions
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_submissions();
CREATE TRIGGER tally_submissions_removed AFTER DELETE ON submissions
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_submissions();
CREATE TRIGGER tally_submissions_changed AFTER UPDATE ON submissions
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION tally_submissions();

-- A work counts while it is registered, whoever's unit it is.
CREATE FUNCTION tally_works_apply(p_rows JSONB) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tallies (place, topic, of_id, label, n, total)
    SELECT p.place, 'work', d.campaign_id, d.kind, SUM(d.dn), SUM(d.dn * d.estimated_value_vnd)
    FROM jsonb_to_recordset(COALESCE(p_rows, '[]')) AS d(unit_id BIGINT, campaign_id BIGINT,
         kind TEXT, status TEXT, estimated_value_vnd BIGINT, dn BIGINT)
    JOIN units u ON u.id = d.unit_id
    CROSS JOIN LATERAL (VALUES (-1 - u.id % 16), (u.parent_id)) p(place)
    WHERE p.place IS NOT NULL AND d.status = 'submitted'
    GROUP BY p.place, d.campaign_id, d.kind
    HAVING SUM(d.dn) <> 0 OR SUM(d.dn * d.estimated_value_vnd) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (place, topic, of_id, label)
    DO UPDATE SET n = tallies.n + excluded.n, total = tallies.total + excluded.total;
$$;

CREATE FUNCTION tally_works() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tally_works_apply(
            (SELECT jsonb_agg(to_jsonb(r) || '{"dn": 1}') FROM new_rows r));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tally_works_apply(
            (SELECT jsonb_agg(to_jsonb(r) || '{"dn": -1}') FROM old_rows r));
    ELSIF (SELECT string_agg(concat_ws(',', id, unit_id, campaign_id, kind, status,
                                       estimated_value_vnd), ';' ORDER BY id) FROM old_rows)
          IS DISTINCT FROM
          (SELECT string_agg(concat_ws(',', id, unit_id, campaign_id, kind, status,
                                       estimated_value_vnd), ';' ORDER BY id) FROM new_rows) THEN
        -- (An answer, a result or a flag changed: nothing counted here.)
        PERFORM tally_works_apply((SELECT jsonb_agg(x) FROM (
            SELECT to_jsonb(r) || '{"dn": -1}' AS x FROM old_rows r
            UNION ALL SELECT to_jsonb(r) || '{"dn": 1}' FROM new_rows r) y));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tally_works_added AFTER INSERT ON registrations
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_works();
CREATE TRIGGER tally_works_removed AFTER DELETE ON registrations
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_works();
CREATE TRIGGER tally_works_changed AFTER UPDATE ON registrations
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION tally_works();
