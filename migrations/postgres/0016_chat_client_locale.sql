-- The language the person's app reports (Telegram's language_code), kept for messages
-- sent outside a turn (an announcement's delivery report, a review's notice): a chat
-- that never chose with /lang reads them in its app's language, as it reads its replies.
ALTER TABLE chats ADD COLUMN client_locale TEXT;
