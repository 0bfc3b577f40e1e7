-- The same person on Telegram and on Zalo: same unit, same role, and the same name
-- (its words folded and sorted: Telegram shows "Thoa Lê Kim", Zalo "Lê Kim Thoa").
-- Announcements and reminders then go by Telegram only, to save Zalo's monthly
-- quota. Written when a member joins; rows older than this are filled at start.
ALTER TABLE members ADD COLUMN person_key TEXT;
CREATE INDEX members_person ON members (unit_id, role, person_key);
