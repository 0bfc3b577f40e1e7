-- A federation is a tree (CĐCS → LĐLĐ huyện → LĐLĐ tỉnh): the units below a unit are
-- found by walking parent_id down, and a unit with units below it is a federation.
CREATE INDEX units_parent ON units (parent_id);
