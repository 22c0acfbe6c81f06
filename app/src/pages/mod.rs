//! One module per page.

pub mod admin;
pub mod agent;
pub mod alarms;
pub mod calendar;
pub mod care;
pub mod cases;
pub mod clients;
mod common;
pub mod desk;
pub mod knowledge;
pub mod lazy;
pub mod login;
pub mod map;
pub mod notices;
pub mod pin;
pub mod portal;
pub mod providers;
pub mod track;
pub mod vendors;
