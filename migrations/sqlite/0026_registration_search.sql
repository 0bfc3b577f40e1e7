-- A work's name as it is searched on the web desk: folded (no case, no diacritics,
-- written beside the answers by the store, and for older rows when the service
-- starts), so "nha ve sinh" finds "Nhà vệ sinh" without reading every answer.
ALTER TABLE registrations ADD COLUMN folded_name TEXT;
-- The desk's registrations table pages by keyset on each of its sorts: an index per
-- sort (campaign first, the row's id last) lets a page far down cost what the first does.
CREATE INDEX registrations_by_name ON registrations (campaign_id, folded_name, id);
CREATE INDEX registrations_by_value ON registrations (campaign_id, estimated_value_vnd, id);
CREATE INDEX registrations_by_date ON registrations (campaign_id, submitted_at, id);
-- Hand-ins counted per deadline (the overview's bars and days).
CREATE INDEX submissions_deadline_status ON submissions (deadline_id, status, late);
