-- One-time links to the web pages: a random token kept only as its SHA-256, good once
-- and until it expires, bound to one member (a chair's upload link also to a deadline).
CREATE TABLE web_links (
    token_hash TEXT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    purpose TEXT NOT NULL,
    deadline_id BIGINT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
-- A browser signed in from a link: the cookie's SHA-256, the member, the token every
-- form posts back (CSRF), when it began (at most 12 h) and was last used (idle 2 h).
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX web_sessions_member ON web_sessions (member_id);
