-- A unit's life: deactivated units keep their history but leave every count, audience,
-- reminder, invite batch and summary; the console's demo unit is never counted.
ALTER TABLE units ADD COLUMN active BIGINT NOT NULL DEFAULT 1;
ALTER TABLE units ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;
