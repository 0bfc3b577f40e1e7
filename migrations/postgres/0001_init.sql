-- Dates are ISO 8601 text ('2025-06-30'), instants RFC 3339 UTC text, money an
-- integer number of đồng: the same columns read the same way on PostgreSQL.

CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    plan_ref TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    timezone TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('agency', 'enterprise')),
    created_at TEXT NOT NULL
);

CREATE TABLE members (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    role TEXT NOT NULL CHECK (role IN ('chair', 'staff')),
    display_name TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    joined_at TEXT NOT NULL,
    UNIQUE (channel, user_id)
);

CREATE TABLE invites (
    code TEXT PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    role TEXT NOT NULL CHECK (role IN ('chair', 'staff')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by BIGINT REFERENCES members (id)
);

CREATE TABLE registrations (
    id BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    seq BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    content TEXT NOT NULL,
    estimated_value_vnd BIGINT NOT NULL CHECK (estimated_value_vnd > 0),
    benefit_economic TEXT,
    benefit_social TEXT,
    time_saved TEXT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'withdrawn')),
    submitted_by BIGINT NOT NULL REFERENCES members (id),
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (campaign_id, seq)
);
CREATE INDEX registrations_unit ON registrations (unit_id);

-- Every confirmed form's idempotency key: a second press of the same button finds
-- its key here and creates nothing.
CREATE TABLE confirmations (
    key TEXT PRIMARY KEY,
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    created_at TEXT NOT NULL
);

-- One row per chat: language, dialogue state and the last numbered menu survive
-- restarts; last_update_id makes a redelivered Telegram update a no-op.
CREATE TABLE chats (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    locale TEXT,
    state TEXT NOT NULL,
    menu TEXT NOT NULL,
    last_update_id BIGINT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
