-- A chair's upload link opens a session bound to one deadline of their unit, which
-- ends when the link would have (24 h); a desk session has neither.
ALTER TABLE web_sessions ADD COLUMN deadline_id BIGINT;
ALTER TABLE web_sessions ADD COLUMN ends_at TEXT;
-- Every action taken on the web pages: who, when, on which unit, what.
CREATE TABLE web_activity (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    unit_id BIGINT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX web_activity_at ON web_activity (at);
