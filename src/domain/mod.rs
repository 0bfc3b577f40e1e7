//! Plain types and rules of the campaign world. No I/O lives here.

pub mod answers;
pub mod audience;
pub mod awards;
pub mod campaign;
pub mod campaign_file;
pub mod dates;
pub mod deadline_kind;
pub mod document_file;
pub mod invite;
pub mod member;
pub mod money;
pub mod money_words;
pub mod person_name;
pub mod questions;
pub mod registration;
pub mod reminders;
pub mod report_layout;
pub mod text;
pub mod unit;
pub mod unit_import;
pub mod web_token;
