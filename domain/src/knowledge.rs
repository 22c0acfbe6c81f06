//! The knowledge base (SPEC K1–K2, P3): articles in categories, what an editor types, and
//! search hits with their highlighted parts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::request::text_field;
use crate::{FieldErrors, Problem};

pub const TITLE_MAX: usize = 100;
pub const KEYWORDS_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
/// Longest search text taken (type-ahead needs far less).
pub const QUERY_MAX: usize = 50;
pub const CATEGORY_NAME_MAX: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbCategory {
    pub id: i64,
    pub name: String,
    /// How many articles it holds (an empty category may be removed).
    #[serde(default)]
    pub articles: i64,
}

/// A category as a lead names it (K1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KbCategoryInput {
    pub name: String,
}

impl KbCategoryInput {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text_field(&mut errors, "name", &self.name, CATEGORY_NAME_MAX, true);
        errors.into_result(|| name.unwrap_or_default())
    }
}

/// An article as an editor types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleInput {
    pub category_id: String,
    pub title: String,
    /// Other words people use for the same thing, separated by spaces or commas.
    pub keywords: String,
    pub body: String,
    /// Shown to citizens on the portal (P3); otherwise staff only.
    pub public: bool,
    /// The handled case this article was written from, if any.
    pub source_case: Option<String>,
}

/// An article input that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidArticle {
    pub category_id: i64,
    pub title: String,
    pub keywords: String,
    pub body: String,
    pub public: bool,
    pub source_case: Option<String>,
}

impl ArticleInput {
    pub fn validate(&self) -> Result<ValidArticle, FieldErrors> {
        let mut errors = FieldErrors::new();
        let category_id = match self.category_id.trim() {
            "" => {
                errors.add("category_id", Problem::Required);
                0
            }
            raw => raw.parse::<i64>().unwrap_or_else(|_| {
                errors.add("category_id", Problem::Unknown);
                0
            }),
        };
        let title = text_field(&mut errors, "title", &self.title, TITLE_MAX, true);
        let keywords = text_field(&mut errors, "keywords", &self.keywords, KEYWORDS_MAX, false);
        let body = text_field(&mut errors, "body", &self.body, BODY_MAX, true);
        let source_case = self
            .source_case
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                if crate::TrackingNumber::parse(s).is_none() {
                    errors.add("source_case", Problem::BadTrackingNumber);
                }
                s.to_string()
            });
        errors.into_result(|| ValidArticle {
            category_id,
            title: title.unwrap_or_default(),
            keywords: keywords.unwrap_or_default(),
            body: body.unwrap_or_default(),
            public: self.public,
            source_case,
        })
    }
}

/// An article as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: i64,
    pub category_id: i64,
    pub category_name: String,
    pub title: String,
    pub keywords: String,
    pub body: String,
    pub public: bool,
    pub source_case: Option<String>,
    pub updated_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A run of text, marked when it matched the search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// One search result: the title and an excerpt, split into marked and unmarked runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: i64,
    pub category_name: String,
    pub title: Vec<Segment>,
    pub excerpt: Vec<Segment>,
    pub public: bool,
}

/// The base as a guide to browse (SPEC P3): its categories with how many articles the reader
/// may open, and the articles of the chosen one (as unmarked hits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbBrowse {
    pub categories: Vec<KbCategory>,
    /// The chosen category, if any.
    pub category: Option<i64>,
    pub articles: Vec<SearchHit>,
}

/// Splits `text` into segments, marking the characters whose flag is set.
pub fn segments(text: &str, marked: &[bool]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let hit = marked.get(i).copied().unwrap_or(false);
        match out.last_mut() {
            Some(last) if last.hit == hit => last.text.push(c),
            _ => out.push(Segment {
                text: c.to_string(),
                hit,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_checked_by_field() {
        let bad = ArticleInput {
            category_id: "x".into(),
            title: " ".into(),
            body: "正文".into(),
            source_case: Some("123".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(bad.get("category_id").is_some());
        assert!(bad.get("title").is_some());
        assert!(bad.get("source_case").is_some());
        let ok = ArticleInput {
            category_id: "3".into(),
            title: " 社保卡补办 ".into(),
            body: "到市民中心办理".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.title, "社保卡补办");
    }

    #[test]
    fn segments_join_runs() {
        let s = segments("社保卡补办", &[true, true, false, false, true]);
        assert_eq!(
            s,
            [
                Segment {
                    text: "社保".into(),
                    hit: true
                },
                Segment {
                    text: "卡补".into(),
                    hit: false
                },
                Segment {
                    text: "办".into(),
                    hit: true
                },
            ]
        );
    }
}
