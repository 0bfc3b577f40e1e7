-- Registration numbers come from a counter on the campaign, advanced in the confirming
-- transaction: MAX(seq) + 1 gave two simultaneous confirms the same number.
ALTER TABLE campaigns ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
UPDATE campaigns SET last_seq = (
    SELECT COALESCE(MAX(r.seq), 0) FROM registrations r WHERE r.campaign_id = campaigns.id
);
