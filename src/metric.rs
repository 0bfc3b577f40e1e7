//! Metric names, declared once. The metrics are recorded where things happen, with the
//! `metrics` crate's macros; `/metrics` exports them (`server::http`).

/// Turns, by `outcome` (ok, failed, panicked).
pub const TURNS: &str = "thidua_turns_total";
pub const TURN_SECONDS: &str = "thidua_turn_seconds";
/// Messages due and not yet sent, and the age of the oldest (set at each scrape).
pub const OUTBOX_DEPTH: &str = "thidua_outbox_due";
pub const OUTBOX_AGE: &str = "thidua_outbox_oldest_due_seconds";
/// Deliveries, by `result` (ok, 429, blocked, failed).
pub const DELIVERIES: &str = "thidua_deliveries_total";
pub const REMINDERS: &str = "thidua_reminders_queued_total";
pub const REGISTRATIONS: &str = "thidua_registrations_total";
/// Connections the HTTP server closed at once, all its places being taken.
pub const HTTP_REFUSED: &str = "thidua_http_connections_refused_total";
/// Messages each Zalo bot sent this Vietnamese calendar month, and its limit (by `bot`).
pub const ZALO_QUOTA_USED: &str = "thidua_zalo_messages_this_month";
pub const ZALO_QUOTA_LIMIT: &str = "thidua_zalo_monthly_quota";
