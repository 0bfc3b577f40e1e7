-- Invite codes can be guessed: a chat that keeps trying wrong codes is slowed down.
ALTER TABLE chats ADD COLUMN join_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN join_blocked_until TEXT;
