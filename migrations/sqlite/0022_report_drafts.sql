-- A unit's achievement report draft: what its chair wrote for each section the
-- campaign's [report] layout asks (JSON answers by section key), one per unit and
-- campaign, rewritten when the chair goes through it again.
CREATE TABLE report_drafts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    answers TEXT NOT NULL,
    written_by BIGINT NOT NULL REFERENCES members (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);
