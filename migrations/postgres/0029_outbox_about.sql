-- The deadlines a reminder, overdue notice or digest speaks of (ids, comma-separated;
-- NULL for every other message). Such a message lapses instead of going out when its
-- unit has handed them all in since it was queued, or when a spent Zalo month would
-- only let it out weeks after its day (counting days that are gone).
ALTER TABLE outbox ADD COLUMN about TEXT;
