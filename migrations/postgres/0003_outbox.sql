-- Every message that is not a direct answer (announcements, reminders, notices) goes
-- through this table: one row per recipient, delivered by a worker, never twice.
CREATE TABLE broadcasts (
    id BIGSERIAL PRIMARY KEY,
    author_member_id BIGINT REFERENCES members (id),
    text TEXT NOT NULL,
    audience TEXT NOT NULL,
    -- The composing dialogue's key: pressing "Gửi" twice sends once.
    draft_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    reported_at TEXT
);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    member_id BIGINT REFERENCES members (id),
    locale TEXT NOT NULL,
    body TEXT NOT NULL,
    purpose TEXT NOT NULL,
    broadcast_id BIGINT REFERENCES broadcasts (id),
    -- pending -> sending -> sent | blocked | failed; 'uncertain' when a crash hit
    -- mid-send: it may have arrived, so it is never sent again.
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    not_before TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, not_before, id);
CREATE INDEX outbox_broadcast ON outbox (broadcast_id, status);

CREATE TABLE broadcast_acks (
    broadcast_id BIGINT NOT NULL REFERENCES broadcasts (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    acked_at TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, member_id)
);
