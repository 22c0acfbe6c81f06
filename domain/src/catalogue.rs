//! The service catalogue (服务目录): four levels of categories, kept as data in the database.

use serde::{Deserialize, Serialize};

use crate::Lang;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Two digits per level: `01`, `0101`, `010101`, `01010101`.
    pub code: String,
    pub parent_code: Option<String>,
    pub level: u8,
    pub name_zh: String,
    pub name_en: String,
    /// Its cases are urgent unless the agent says otherwise (W9).
    #[serde(default)]
    pub urgent: bool,
}

impl Category {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_zh, &self.name_en)
    }

    /// A code is well-formed when it is 2, 4, 6 or 8 digits.
    pub fn is_well_formed_code(code: &str) -> bool {
        matches!(code.len(), 2 | 4 | 6 | 8) && code.bytes().all(|b| b.is_ascii_digit())
    }
}
