//! The knowledge base (SPEC K1–K2, P3): articles maintained by staff, and a search fast
//! enough to type ahead while the caller is on the line.
//!
//! Search works on an inverted index of terms (`kb_terms`, one B-tree over `(term,
//! article)`), built here and identical on both backends:
//!
//! - `c:` + every pair of adjacent Chinese characters (bigram) of the title, keywords and the
//!   first [`BODY_INDEXED`] characters of the body, and `u:` + every single character of the
//!   title and keywords: exact Chinese words are found as all their bigrams;
//! - `p:` + the full pinyin of the title, keywords and the body's opening from each syllable
//!   on (`shebaoka…`, `baoka…`, `ka…`), and `i:` + the initials of the title and keywords
//!   the same way (`sbk…`, `bk…`): "shebao" and "sb" find 社保 by a prefix range on the
//!   index, which also forgives a wrongly typed character of the same sound. Pinyin finds
//!   what the characters find: an article with 社保 only in its body is found by "shebao"
//!   as by "社保";
//! - `w:` + each Latin word or number.
//!
//! A query of Chinese text needs every one of its bigrams (exact); when nothing has them
//! all it falls back to the articles with the most of them (fuzzy). A query of Latin letters
//! is looked up as pinyin and initials prefixes and as a word prefix. Hits are ranked by
//! where they matched (title over keywords over body) and returned with the matching
//! characters marked.

use std::collections::BTreeMap;

use hotline_domain::knowledge::{segments, ValidArticle, QUERY_MAX};
use hotline_domain::{
    Article, ArticleInput, KbBrowse, KbCategory, Permission, Problem, SearchHit, StaffUser,
};
use pinyin::ToPinyin;

use crate::audit::{NewAuditEntry, Origin};
use crate::store::{CategoryRemoval, StoreError};
use crate::{Hotline, ServiceError};

/// How much of the body is indexed (its opening usually says what it is about).
pub const BODY_INDEXED: usize = 160;
/// The version of [`index_terms`]' output. A database indexed by another version is indexed
/// again when the server starts ([`Hotline::kb_reindex_if_stale`]). 2: pinyin of the body.
pub const INDEX_VERSION: &str = "2";
/// The setting that records which version built the stored index.
const INDEX_VERSION_SETTING: &str = "kb_index_version";
/// Pinyin suffix terms are cut to this many bytes (longer queries are cut the same way).
pub const PINYIN_TERM_MAX: usize = 24;
pub const HITS_MAX: u32 = 10;
/// At most this many articles of a category are listed when browsing.
pub const BROWSE_MAX: u32 = 200;

/// Weights: where a term came from.
const IN_TITLE: i32 = 4;
const IN_KEYWORDS: i32 = 3;
const IN_BODY: i32 = 1;
/// Added to pinyin terms that start a run of Chinese characters.
const AT_START: i32 = 2;

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// The plain pinyin of each Chinese character of `text` (by char index), in order.
fn syllables(text: &str) -> Vec<(usize, &'static str)> {
    text.chars()
        .enumerate()
        .filter(|(_, c)| is_han(*c))
        .filter_map(|(i, c)| c.to_pinyin().map(|p| (i, p.plain())))
        .collect()
}

fn cut(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn add(terms: &mut BTreeMap<String, i32>, term: String, weight: i32) {
    let entry = terms.entry(term).or_insert(0);
    *entry = (*entry).max(weight);
}

/// Latin words and numbers, lower-cased.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| cut(&w.to_ascii_lowercase(), PINYIN_TERM_MAX).to_string())
}

/// How much of a text is indexed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// The body's opening: bigrams, words and full pinyin.
    Body,
    /// Title and keywords: also single characters and pinyin initials.
    Heading,
}

fn index_text(terms: &mut BTreeMap<String, i32>, text: &str, weight: i32, depth: Depth) {
    let chars: Vec<char> = text.chars().collect();
    for pair in chars.windows(2) {
        if is_han(pair[0]) && is_han(pair[1]) {
            add(terms, format!("c:{}{}", pair[0], pair[1]), weight);
        }
    }
    for w in words(text) {
        add(terms, format!("w:{w}"), weight);
    }
    if depth == Depth::Heading {
        for c in chars.iter().filter(|c| is_han(**c)) {
            add(terms, format!("u:{c}"), weight);
        }
    }
    // Pinyin per run of Chinese characters, so suffixes do not run across punctuation.
    let syl = syllables(text);
    let mut runs: Vec<Vec<&'static str>> = Vec::new();
    let mut last: Option<usize> = None;
    for (i, p) in syl {
        if last.is_some_and(|l| l + 1 == i) {
            runs.last_mut().expect("run").push(p);
        } else {
            runs.push(vec![p]);
        }
        last = Some(i);
    }
    for run in runs {
        for start in 0..run.len() {
            let full: String = run[start..].concat();
            let initials: String = run[start..]
                .iter()
                .filter_map(|p| p.chars().next())
                .collect();
            // A word's beginning ranks above the middle of one.
            let weight = if start == 0 {
                weight + AT_START
            } else {
                weight
            };
            add(terms, format!("p:{}", cut(&full, PINYIN_TERM_MAX)), weight);
            // Two or three letters match too much of a body: initials of headings only.
            if depth == Depth::Heading {
                add(
                    terms,
                    format!("i:{}", cut(&initials, PINYIN_TERM_MAX)),
                    weight,
                );
            }
        }
    }
}

/// Every index term of an article with its weight.
pub fn index_terms(title: &str, keywords: &str, body: &str) -> BTreeMap<String, i32> {
    let mut terms = BTreeMap::new();
    let lead: String = body.chars().take(BODY_INDEXED).collect();
    index_text(&mut terms, &lead, IN_BODY, Depth::Body);
    index_text(&mut terms, keywords, IN_KEYWORDS, Depth::Heading);
    index_text(&mut terms, title, IN_TITLE, Depth::Heading);
    terms
}

/// How a query is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryPlan {
    /// Articles holding all these terms (falling back to most of them).
    All(Vec<String>),
    /// Articles holding a term that starts with one of these.
    Prefixes(Vec<String>),
}

/// The plan for what someone typed, or `None` if there is nothing to look for.
pub fn plan(query: &str) -> Option<QueryPlan> {
    let q: String = query
        .trim()
        .chars()
        .take(QUERY_MAX)
        .collect::<String>()
        .to_lowercase();
    if q.is_empty() {
        return None;
    }
    let chars: Vec<char> = q.chars().collect();
    if chars.iter().any(|c| is_han(*c)) {
        let mut terms = Vec::new();
        // Each run of Chinese characters: its bigrams, or the character alone.
        let mut run: Vec<char> = Vec::new();
        let flush = |run: &mut Vec<char>, terms: &mut Vec<String>| {
            match run.len() {
                0 => {}
                1 => terms.push(format!("u:{}", run[0])),
                _ => {
                    for pair in run.windows(2) {
                        terms.push(format!("c:{}{}", pair[0], pair[1]));
                    }
                }
            }
            run.clear();
        };
        for c in &chars {
            if is_han(*c) {
                run.push(*c);
            } else {
                flush(&mut run, &mut terms);
            }
        }
        flush(&mut run, &mut terms);
        terms.extend(words(&q).map(|w| format!("w:{w}")));
        terms.sort();
        terms.dedup();
        return Some(QueryPlan::All(terms));
    }
    let compact: String = q.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if compact.is_empty() {
        return None;
    }
    let letters = compact.chars().all(|c| c.is_ascii_lowercase());
    let mut prefixes = vec![format!("w:{}", cut(&compact, PINYIN_TERM_MAX))];
    if letters {
        prefixes.push(format!("p:{}", cut(&compact, PINYIN_TERM_MAX)));
        prefixes.push(format!("i:{}", cut(&compact, PINYIN_TERM_MAX)));
    }
    Some(QueryPlan::Prefixes(prefixes))
}

/// The exclusive upper end of the range of terms starting with `prefix` (ASCII prefixes).
pub fn prefix_end(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            return String::from_utf8(bytes).unwrap_or_else(|_| format!("{prefix}\u{10FFFF}"));
        }
    }
    format!("{prefix}\u{10FFFF}")
}

/// Which characters of `text` the query matched: the query's Chinese characters where they
/// occur in runs of two or more (or alone for a one-character query), Latin words, and
/// the characters whose pinyin or initials spell the query.
pub fn marks(text: &str, query: &str) -> Vec<bool> {
    let chars: Vec<char> = text.chars().collect();
    let mut marked = vec![false; chars.len()];
    let q: String = query
        .trim()
        .chars()
        .take(QUERY_MAX)
        .collect::<String>()
        .to_lowercase();
    if q.is_empty() {
        return marked;
    }
    let q_chars: Vec<char> = q.chars().collect();
    if q_chars.iter().any(|c| is_han(*c)) {
        // Every occurrence of each Chinese run of the query.
        for run in q.split(|c: char| !is_han(c)).filter(|r| !r.is_empty()) {
            let r: Vec<char> = run.chars().collect();
            for start in 0..chars.len() {
                if chars[start..].starts_with(&r) {
                    marked[start..start + r.len()].fill(true);
                }
            }
            // Fuzzy: the run's bigrams where the whole run is not there.
            if r.len() > 2 {
                for pair in r.windows(2) {
                    for start in 0..chars.len().saturating_sub(1) {
                        if chars[start] == pair[0] && chars[start + 1] == pair[1] {
                            marked[start] = true;
                            marked[start + 1] = true;
                        }
                    }
                }
            }
        }
        return marked;
    }
    let compact: String = q.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    // Latin words in the text.
    let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    let cq: Vec<char> = compact.chars().collect();
    if !cq.is_empty() {
        for start in 0..lower.len() {
            if lower[start..].starts_with(&cq) {
                marked[start..start + cq.len()].fill(true);
            }
        }
    }
    // Pinyin: from each Chinese character, consume syllables (whole, or the last one by
    // its beginning) or initials until the query is spelled.
    let syl = syllables(text);
    for s in 0..syl.len() {
        for by_initials in [false, true] {
            let mut rest = compact.as_str();
            let mut k = s;
            while !rest.is_empty() && k < syl.len() && (k == s || syl[k].0 == syl[k - 1].0 + 1) {
                let p = syl[k].1;
                let unit = if by_initials { &p[..1] } else { p };
                if let Some(r) = rest.strip_prefix(unit) {
                    rest = r;
                    k += 1;
                } else if !by_initials && unit.starts_with(rest) {
                    rest = "";
                    k += 1;
                } else {
                    break;
                }
            }
            if rest.is_empty() && k > s {
                for item in &syl[s..k] {
                    marked[item.0] = true;
                }
            }
        }
    }
    marked
}

/// The part of `body` around its first marked character, at most `width` characters.
fn excerpt(body: &str, query: &str, width: usize) -> Vec<hotline_domain::Segment> {
    let chars: Vec<char> = body.chars().collect();
    let marked = marks(body, query);
    let first = marked.iter().position(|m| *m).unwrap_or(0);
    let start = first.saturating_sub(width / 4);
    let end = (start + width).min(chars.len());
    let text: String = chars[start..end].iter().collect();
    let mut out = Vec::new();
    if start > 0 {
        out.push(hotline_domain::Segment {
            text: "…".into(),
            hit: false,
        });
    }
    out.extend(segments(&text, &marked[start..end]));
    if end < chars.len() {
        out.push(hotline_domain::Segment {
            text: "…".into(),
            hit: false,
        });
    }
    out
}

impl Hotline {
    /// Type-ahead search. Citizens (no user) see public articles only.
    pub async fn kb_search(
        &self,
        user: Option<&StaffUser>,
        query: &str,
    ) -> Result<Vec<SearchHit>, ServiceError> {
        let Some(plan) = plan(query) else {
            return Ok(Vec::new());
        };
        let public_only = user.is_none();
        let ids = match &plan {
            QueryPlan::All(terms) => {
                let exact = self
                    .store
                    .kb_search_all(terms, true, public_only, HITS_MAX)
                    .await?;
                if exact.is_empty() && terms.len() > 1 {
                    self.store
                        .kb_search_all(terms, false, public_only, HITS_MAX)
                        .await?
                } else {
                    exact
                }
            }
            QueryPlan::Prefixes(prefixes) => {
                let ranges: Vec<(String, String)> = prefixes
                    .iter()
                    .map(|p| (p.clone(), prefix_end(p)))
                    .collect();
                self.store
                    .kb_search_prefixes(&ranges, public_only, HITS_MAX)
                    .await?
            }
        };
        let articles = self.store.kb_articles_by_ids(&ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| articles.iter().find(|a| a.id == *id))
            .map(|a| SearchHit {
                id: a.id,
                category_name: a.category_name.clone(),
                title: segments(&a.title, &marks(&a.title, query)),
                excerpt: excerpt(&a.body, query, 80),
                public: a.public,
            })
            .collect())
    }

    /// The base as a guide (P3): the categories with how many articles the reader may open
    /// (for citizens the public ones, and a category with none of those is left out), and
    /// with `category` its articles, newest first. A category the reader cannot see is not
    /// found.
    pub async fn kb_browse(
        &self,
        user: Option<&StaffUser>,
        category: Option<i64>,
    ) -> Result<KbBrowse, ServiceError> {
        let public_only = user.is_none();
        let categories: Vec<KbCategory> = self
            .store
            .kb_categories_for(public_only)
            .await?
            .into_iter()
            .filter(|c| c.articles > 0 || !public_only)
            .collect();
        let articles = match category {
            None => Vec::new(),
            Some(id) if !categories.iter().any(|c| c.id == id) => {
                return Err(ServiceError::NotFound)
            }
            Some(id) => self
                .store
                .kb_list(id, public_only, BROWSE_MAX)
                .await?
                .into_iter()
                .map(|a| SearchHit {
                    id: a.id,
                    title: segments(&a.title, &vec![false; a.title.chars().count()]),
                    excerpt: excerpt(&a.body, "", 80),
                    category_name: a.category_name,
                    public: a.public,
                })
                .collect(),
        };
        Ok(KbBrowse {
            categories,
            category,
            articles,
        })
    }

    /// One article; staff-only articles are not found for citizens.
    pub async fn kb_article(
        &self,
        user: Option<&StaffUser>,
        id: i64,
    ) -> Result<Article, ServiceError> {
        let article = self
            .store
            .kb_article(id)
            .await?
            .filter(|a| a.public || user.is_some())
            .ok_or(ServiceError::NotFound)?;
        Ok(article)
    }

    pub async fn kb_categories(&self) -> Result<Vec<KbCategory>, ServiceError> {
        Ok(self.store.kb_categories().await?)
    }

    /// Adds (`id: None`) or renames a category (K1): the leads keep the base in order.
    pub async fn save_kb_category(
        &self,
        user: &StaffUser,
        id: Option<i64>,
        input: &hotline_domain::KbCategoryInput,
        origin: &Origin,
    ) -> Result<KbCategory, ServiceError> {
        if !user.can(Permission::Approve) {
            return Err(ServiceError::Forbidden);
        }
        let name = input.validate()?;
        let all = self.store.kb_categories().await?;
        let before = match id {
            Some(id) => Some(
                all.iter()
                    .find(|c| c.id == id)
                    .ok_or(ServiceError::NotFound)?,
            ),
            None => None,
        };
        let audit = NewAuditEntry {
            at: self.now(),
            origin: origin.clone(),
            action: if id.is_some() { "update" } else { "create" }.into(),
            object_type: "kb_category".into(),
            object_id: String::new(),
            before: before.map(|b| serde_json::json!({ "name": b.name }).to_string()),
            after: Some(serde_json::json!({ "name": name }).to_string()),
        };
        let saved = match self.store.kb_save_category(id, &name, &audit).await {
            Ok(Some(saved)) => saved,
            Ok(None) => return Err(ServiceError::NotFound),
            Err(StoreError::Conflict(_)) => {
                return Err(ServiceError::field("name", Problem::Taken))
            }
            Err(e) => return Err(e.into()),
        };
        self.store
            .kb_categories()
            .await?
            .into_iter()
            .find(|c| c.id == saved)
            .ok_or(ServiceError::NotFound)
    }

    /// Removes a category that holds no articles (`422` on `id` otherwise).
    pub async fn delete_kb_category(
        &self,
        user: &StaffUser,
        id: i64,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        if !user.can(Permission::Approve) {
            return Err(ServiceError::Forbidden);
        }
        let Some(before) = self
            .store
            .kb_categories()
            .await?
            .into_iter()
            .find(|c| c.id == id)
        else {
            return Err(ServiceError::NotFound);
        };
        let audit = NewAuditEntry {
            at: self.now(),
            origin: origin.clone(),
            action: "delete".into(),
            object_type: "kb_category".into(),
            object_id: id.to_string(),
            before: Some(serde_json::json!({ "name": before.name }).to_string()),
            after: None,
        };
        match self.store.kb_delete_category(id, &audit).await? {
            CategoryRemoval::Removed => Ok(()),
            CategoryRemoval::Missing => Err(ServiceError::NotFound),
            CategoryRemoval::InUse(_) => Err(ServiceError::field("id", Problem::InUse)),
        }
    }

    /// Creates (`id: None`) or updates an article; staff who take calls maintain the base.
    pub async fn save_article(
        &self,
        user: &StaffUser,
        id: Option<i64>,
        input: &ArticleInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        if !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let article = input.validate()?;
        if !self
            .store
            .kb_categories()
            .await?
            .iter()
            .any(|c| c.id == article.category_id)
        {
            return Err(ServiceError::field("category_id", Problem::Unknown));
        }
        if let Some(number) = &article.source_case {
            let known = hotline_domain::TrackingNumber::parse(number);
            let exists = match known {
                Some(n) => self.store.request(&n).await?.is_some(),
                None => false,
            };
            if !exists {
                return Err(ServiceError::field("source_case", Problem::Unknown));
            }
        }
        let before = match id {
            Some(id) => Some(
                self.store
                    .kb_article(id)
                    .await?
                    .ok_or(ServiceError::NotFound)?,
            ),
            None => None,
        };
        let now = self.now();
        let audit = NewAuditEntry {
            at: now,
            origin: origin.clone(),
            action: if id.is_some() { "update" } else { "create" }.into(),
            object_type: "kb_article".into(),
            object_id: id.map(|i| i.to_string()).unwrap_or_else(|| "new".into()),
            before: before.and_then(|b| serde_json::to_string(&b).ok()),
            after: Some(
                serde_json::json!({
                    "title": article.title,
                    "category_id": article.category_id,
                    "public": article.public,
                    "source_case": article.source_case,
                })
                .to_string(),
            ),
        };
        let terms = index_terms(&article.title, &article.keywords, &article.body);
        Ok(self
            .store
            .kb_save_article(id, &article, &terms, &user.actor(), now, &audit)
            .await?)
    }

    /// A draft article from a handled case: its question and the answer it got.
    pub async fn article_draft_from_case(
        &self,
        user: &StaffUser,
        tracking_number: &str,
    ) -> Result<ArticleInput, ServiceError> {
        if !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let case = self.case_for(user, tracking_number).await?;
        let answers: Vec<String> = case
            .events
            .iter()
            .filter(|e| matches!(e.kind.as_str(), "answer" | "feedback" | "handle"))
            .filter_map(|e| e.note.clone())
            .collect();
        let categories = self.store.kb_categories().await?;
        Ok(ArticleInput {
            category_id: categories
                .first()
                .map(|c| c.id.to_string())
                .unwrap_or_default(),
            title: case.item.category_zh.clone(),
            keywords: String::new(),
            body: format!("问：{}\n\n答：{}", case.item.content, answers.join("\n")),
            public: false,
            source_case: Some(case.item.tracking_number.to_string()),
        })
    }

    /// Indexes every article again if the stored index was built by another version of
    /// [`index_terms`] (or none is recorded), in one transaction; run at start-up. Returns
    /// how many articles were indexed.
    pub async fn kb_reindex_if_stale(&self) -> Result<Option<usize>, StoreError> {
        if self.store.setting(INDEX_VERSION_SETTING).await?.as_deref() == Some(INDEX_VERSION) {
            return Ok(None);
        }
        let articles = self.store.kb_index_sources().await?;
        let indexed: Vec<(i64, bool, BTreeMap<String, i32>)> = articles
            .iter()
            .map(|a| (a.id, a.public, index_terms(&a.title, &a.keywords, &a.body)))
            .collect();
        self.store
            .kb_replace_index(&indexed, INDEX_VERSION_SETTING, INDEX_VERSION, self.now())
            .await?;
        Ok(Some(indexed.len()))
    }

    /// Loads many articles at once (demo data, the benchmark), in one transaction.
    pub async fn kb_load(
        &self,
        articles: &[ValidArticle],
        actor: &str,
    ) -> Result<(), ServiceError> {
        let now = self.now();
        let indexed: Vec<(&ValidArticle, BTreeMap<String, i32>)> = articles
            .iter()
            .map(|a| (a, index_terms(&a.title, &a.keywords, &a.body)))
            .collect();
        Ok(self.store.kb_bulk_insert(&indexed, actor, now).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(terms: &BTreeMap<String, i32>, t: &str) -> bool {
        terms.contains_key(t)
    }

    #[test]
    fn titles_are_indexed_by_bigrams_pinyin_and_initials() {
        let t = index_terms(
            "社保卡补办",
            "社会保障卡 遗失",
            "携带身份证到市民中心办理。",
        );
        for term in [
            "c:社保",
            "c:保卡",
            "u:社",
            "p:shebaokabuban",
            "i:sbkbb",
            "i:bb",
            "c:遗失",
            "c:身份",
        ] {
            assert!(has(&t, term), "{term} in {t:?}");
        }
        assert!(has(&t, "p:buban"));
        assert_eq!(t["c:社保"], IN_TITLE);
        assert_eq!(t["c:身份"], IN_BODY);
        assert!(!has(&t, "u:携"), "body characters alone are not indexed");
        // The body's pinyin is, from each syllable on; its initials are not.
        assert!(has(&t, "p:shiminzhongxinbanli"));
        assert_eq!(t["p:xiedaishenfenzhengdaoshi"], IN_BODY + AT_START);
        assert!(!has(&t, "i:smzxbl"));
        // Runs do not cross punctuation.
        let t = index_terms("供水，供暖", "", "");
        assert!(has(&t, "p:gongshui") && !has(&t, "p:gongshuigongnuan"));
    }

    #[test]
    fn queries_plan_exact_words_or_prefixes() {
        assert_eq!(
            plan("社保卡"),
            Some(QueryPlan::All(vec!["c:保卡".into(), "c:社保".into()]))
        );
        assert_eq!(plan("社"), Some(QueryPlan::All(vec!["u:社".into()])));
        assert_eq!(
            plan(" SheBao "),
            Some(QueryPlan::Prefixes(vec![
                "w:shebao".into(),
                "p:shebao".into(),
                "i:shebao".into()
            ]))
        );
        assert_eq!(
            plan("12345"),
            Some(QueryPlan::Prefixes(vec!["w:12345".into()]))
        );
        assert_eq!(plan("  "), None);
        assert_eq!(plan("？！"), None);
        assert_eq!(prefix_end("i:sb"), "i:sc");
    }

    #[test]
    fn hits_are_marked_by_characters_pinyin_and_initials() {
        let m = |text: &str, q: &str| -> String {
            text.chars()
                .zip(marks(text, q))
                .map(|(c, hit)| if hit { c } else { '.' })
                .collect()
        };
        assert_eq!(m("社保卡补办", "社保"), "社保...");
        assert_eq!(m("社保卡补办", "shebao"), "社保...");
        assert_eq!(m("社保卡补办", "sb"), "社保...");
        assert_eq!(m("社保卡补办", "sheb"), "社保...");
        assert_eq!(m("医保报销", "baoxiao"), "..报销");
        assert_eq!(m("拨打12345热线", "12345"), "..12345..");
        assert_eq!(m("社保卡补办", "医保"), ".....");
    }
}
