-- Zalo's Basic plan: 3 000 messages a month per bot (Vietnam's calendar month). What
-- each bot sent is counted here so every instance shares one count.
-- spent_limit: the limit in force when Zalo itself answered 429 ("Quota exceeded");
-- the bot stays stopped for the month unless the operator sets a higher limit.
-- warned: the highest warning staff were given this month (0, 80, 95, 100), so each
-- is given once however many instances send.
CREATE TABLE zalo_quota (
    bot TEXT NOT NULL,
    month TEXT NOT NULL,
    sent BIGINT NOT NULL DEFAULT 0,
    spent_limit BIGINT,
    warned BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bot, month)
);
