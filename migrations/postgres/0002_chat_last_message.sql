-- Zalo has no ordered update ids: the last message id per chat catches a repeat.
ALTER TABLE chats ADD COLUMN last_message_id TEXT;
