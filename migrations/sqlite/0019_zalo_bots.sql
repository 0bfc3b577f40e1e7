-- Several Zalo bots (50 people each on the Basic plan): an invite reserves a place on
-- one bot that still has room, and says which bot to open.
ALTER TABLE invites ADD COLUMN zalo_bot TEXT;
-- What each bot is called (getMe, written when the bot starts), for invites made
-- from the command line.
CREATE TABLE zalo_bots (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
