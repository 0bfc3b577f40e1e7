-- Bulk onboarding: the unit above (a district federation over its CĐCS) and how to
-- reach the chair, as the province's list gives them.
ALTER TABLE units ADD COLUMN parent_id BIGINT REFERENCES units (id);
ALTER TABLE units ADD COLUMN contact TEXT;
