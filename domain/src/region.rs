//! The region code table (SPEC R5): city → district/county → street/township → community/village.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// GB/T 2260 code as published by `china-division`: 4 digits for the city (`6104`),
    /// 6 for districts and counties, 9 for streets and townships, 12 for villages.
    pub code: String,
    pub parent_code: Option<String>,
    /// 1 city, 2 district/county, 3 street/township, 4 community/village.
    pub level: u8,
    pub name: String,
}
