//! The server's integration tests, one test binary for all of them (see core/tests/it):
//! the real server over real databases, spoken to over HTTP; the locale files' checks.

mod access;
mod alarms_api;
mod api;
mod desk_api;
mod durability;
mod flow_api;
mod helpers;
mod knowledge_api;
mod locales;
mod open311_api;
mod support;
mod telephony_api;
