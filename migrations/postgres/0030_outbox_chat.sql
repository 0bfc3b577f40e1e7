-- A chat's latest messages, newest first: the number a person types on Zalo answers
-- the last numbered message they saw, which may be one the bot sent on its own.
CREATE INDEX outbox_chat ON outbox (channel, chat_id, id);
