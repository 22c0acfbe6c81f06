//! The region code table (SPEC R5): city → district/county → street/township → community/village.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// GB/T 2260 code as published (6 digits for city and district, 9 for streets, 12 for villages).
    pub code: String,
    pub parent_code: Option<String>,
    /// 1 city, 2 district/county, 3 street/township, 4 community/village.
    pub level: u8,
    pub name: String,
}
