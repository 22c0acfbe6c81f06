//! The core's integration tests, one test binary for all of them: each file below was a
//! binary of its own, and each linked the whole service again (in CI's release build that
//! was minutes of linking and of compiling the same generic code once per file).

mod alarms;
mod clients;
mod conformance;
mod flow;
mod knowledge;
mod places;
mod providers;
mod registry;
mod registry_files;
mod vendors;
