-- From registration to result: once a work's end date has passed its chair is asked
-- whether it was done. The answer lives with the work; each question is claimed once
-- (per work and round) in the transaction that queues it, so a restart never asks twice.
ALTER TABLE registrations ADD COLUMN result TEXT CHECK (result IN ('done', 'ongoing', 'not_done'));
ALTER TABLE registrations ADD COLUMN actual_value_vnd BIGINT;
ALTER TABLE registrations ADD COLUMN result_note TEXT;
ALTER TABLE registrations ADD COLUMN result_at TEXT;
ALTER TABLE registrations ADD COLUMN ask_again_on TEXT;
-- Staff propose it for a plaque ("gắn biển công trình", plan section V.1).
ALTER TABLE registrations ADD COLUMN featured INTEGER NOT NULL DEFAULT 0;

CREATE TABLE result_questions (
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    round TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    PRIMARY KEY (registration_id, round)
);
-- The works to ask about: still registered, no final answer yet.
CREATE INDEX registrations_open_results ON registrations (campaign_id, status, result, end_date);
