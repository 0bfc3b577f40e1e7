//! The bot as a running service, on top of everything else: its configuration, the
//! composition root that starts the channels, the outbox, the scheduler and the
//! housekeeping (`run`), the one HTTP server (`http`, `/healthz`, `/metrics`), and the
//! operator's check of it all (`doctor`).

pub mod config;
pub mod doctor;
pub mod healthz;
pub mod housekeeping;
pub mod http;
pub mod run;
pub mod web;
