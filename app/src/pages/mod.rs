//! One module per page.

pub mod agent;
pub mod portal;
