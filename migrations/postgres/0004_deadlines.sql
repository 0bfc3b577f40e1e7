-- A campaign's deadlines (from its campaign file), what each unit submitted for
-- them, and the reminders already decided, keyed so each is sent once.
CREATE TABLE deadlines (
    id BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    due_time TEXT NOT NULL,
    asks_for TEXT NOT NULL CHECK (asks_for IN ('registration', 'report', 'nomination')),
    documents TEXT NOT NULL,
    reminder_days TEXT NOT NULL,
    reminder_time TEXT NOT NULL,
    UNIQUE (campaign_id, key)
);

CREATE TABLE submissions (
    id BIGSERIAL PRIMARY KEY,
    deadline_id BIGINT NOT NULL REFERENCES deadlines (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'returned', 'approved')),
    note TEXT,
    submitted_by BIGINT REFERENCES members (id),
    submitted_at TEXT NOT NULL,
    late BIGINT NOT NULL DEFAULT 0,
    review_reason TEXT,
    reviewed_at TEXT,
    UNIQUE (deadline_id, unit_id)
);

CREATE TABLE submission_files (
    id BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    document_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    file_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE reminders_sent (
    key TEXT PRIMARY KEY,
    deadline_id BIGINT NOT NULL REFERENCES deadlines (id),
    unit_id BIGINT REFERENCES units (id),
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);
