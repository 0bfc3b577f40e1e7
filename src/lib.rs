//! thidua: a chat bot that runs a trade union emulation campaign — registration of
//! works by grassroots union chairs, for the district federation.

rust_i18n::i18n!("locales", fallback = "vi");

pub mod app;
pub mod broadcast;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod conversation;
pub mod data_dir;
pub mod delivery;
pub mod domain;
pub mod export;
pub mod files;
pub mod i18n;
pub mod metric;
pub mod ops;
pub mod scheduler;
pub mod server;
pub mod store;
pub mod table_file;
