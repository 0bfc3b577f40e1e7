-- Several instances on one database. A message being sent records since when, so a
-- message left 'sending' by an instance that died is recognised by its age, not by
-- whoever restarts first (another instance may be sending it right now).
ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
-- The bot's sending budget shared by the instances: the next free slot, in
-- microseconds since 1970, and the spacing between slots (widened after a 429); each
-- message reserves its slot with a single UPDATE.
CREATE TABLE send_budget (
    id INTEGER PRIMARY KEY,
    next_us BIGINT NOT NULL,
    interval_us BIGINT NOT NULL
);
-- A chat's last turn: the update it answered and its replies, written in the turn's
-- transaction. An update delivered again (its first instance died before saying the
-- turn was done) gets these replies again instead of nothing.
ALTER TABLE chats ADD COLUMN last_turn TEXT;
