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

/// A category's own time limits (W7): set by administrators on the code table, each one
/// falling back to the parent category's, then to the centre's policy. Urgent cases keep
/// the urgent limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLimits {
    #[serde(default)]
    pub confirm: Option<crate::Limit>,
    #[serde(default)]
    pub handling: Option<crate::Limit>,
    #[serde(default)]
    pub callback: Option<crate::Limit>,
}

impl CategoryLimits {
    /// Each limit of `self`, else `parent`'s.
    pub fn or(self, parent: CategoryLimits) -> CategoryLimits {
        CategoryLimits {
            confirm: self.confirm.or(parent.confirm),
            handling: self.handling.or(parent.handling),
            callback: self.callback.or(parent.callback),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == CategoryLimits::default()
    }

    /// Refuses a limit of nothing or more than a year, by the form's field names.
    pub fn check(&self, errors: &mut crate::FieldErrors) {
        for (field, limit) in [
            ("confirm_amount", self.confirm),
            ("handling_amount", self.handling),
            ("callback_amount", self.callback),
        ] {
            if let Some(limit) = limit {
                limit.check(field, errors);
            }
        }
    }
}

/// A category's path from the top of the catalogue, in each language (`城市管理 › 路灯`),
/// found by its code's two-digit levels; `None` if a level is missing.
pub fn category_path(categories: &[Category], code: &str) -> Option<(String, String)> {
    if code.is_empty() || !code.len().is_multiple_of(2) || !code.is_ascii() {
        return None;
    }
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for end in (2..=code.len()).step_by(2) {
        let level = categories.iter().find(|c| c.code == code[..end])?;
        zh.push(level.name_zh.as_str());
        en.push(level.name_en.as_str());
    }
    Some((zh.join(" › "), en.join(" › ")))
}
