-- A chair's upload link opens a session bound to one deadline of their unit, which
-- ends when the link would have (24 h) and keeps the files uploaded so far (JSON) until
-- "Nộp"; a desk session has none of these.
ALTER TABLE web_sessions ADD COLUMN deadline_id BIGINT;
ALTER TABLE web_sessions ADD COLUMN ends_at TEXT;
ALTER TABLE web_sessions ADD COLUMN draft TEXT;
-- A download link names the file it gives (in the data folder's drafts).
ALTER TABLE web_links ADD COLUMN file TEXT;
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
