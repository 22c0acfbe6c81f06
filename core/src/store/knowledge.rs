//! Storage of the knowledge base: categories, articles and their search terms.

use std::collections::BTreeMap;

use hotline_domain::knowledge::ValidArticle;
use hotline_domain::{Article, KbCategory};

use crate::audit::NewAuditEntry;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};

/// How many postings one search term (or one prefix range) may contribute to a search.
pub const KB_POSTINGS_MAX: i64 = 2_000;

/// What removing a category did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryRemoval {
    Removed,
    Missing,
    /// It still holds this many articles; nothing was removed.
    InUse(i64),
}

#[derive(sqlx::FromRow)]
pub(super) struct ArticleRow {
    id: i64,
    category_id: i64,
    category_name: String,
    title: String,
    keywords: String,
    body: String,
    public: bool,
    source_case: Option<String>,
    updated_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ArticleRow> for Article {
    fn from(r: ArticleRow) -> Article {
        Article {
            id: r.id,
            category_id: r.category_id,
            category_name: r.category_name,
            title: r.title,
            keywords: r.keywords,
            body: r.body,
            public: r.public,
            source_case: r.source_case,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub(super) const ARTICLE_SELECT: &str = "SELECT a.id, a.category_id, c.name AS category_name, \
     a.title, a.keywords, a.body, a.public, a.source_case, a.updated_by, a.created_at, \
     a.updated_at FROM kb_articles a JOIN kb_categories c ON c.id = a.category_id";

#[async_trait]
pub trait KnowledgeStore: Send + Sync {
    async fn kb_categories(&self) -> Result<Vec<KbCategory>, StoreError> {
        self.kb_categories_for(false).await
    }
    /// The categories in order with how many articles each holds (public ones only, for
    /// citizens).
    async fn kb_categories_for(&self, public_only: bool) -> Result<Vec<KbCategory>, StoreError>;
    /// The articles of a category, newest first (public ones only, for citizens).
    async fn kb_list(
        &self,
        category_id: i64,
        public_only: bool,
        limit: u32,
    ) -> Result<Vec<Article>, StoreError>;
    /// Every article, to index again.
    async fn kb_index_sources(&self) -> Result<Vec<Article>, StoreError>;
    /// Replaces the whole search index with these articles' terms and records the version
    /// that built it (`setting = version`), in one transaction.
    async fn kb_replace_index(
        &self,
        articles: &[(i64, bool, BTreeMap<String, i32>)],
        setting: &str,
        version: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Adds a category (last) or renames one, with its audit entry. `None` when the id is
    /// unknown; `Conflict("name")` when another category has the name.
    async fn kb_save_category(
        &self,
        id: Option<i64>,
        name: &str,
        audit: &NewAuditEntry,
    ) -> Result<Option<i64>, StoreError>;
    /// Removes an empty category, with its audit entry.
    async fn kb_delete_category(
        &self,
        id: i64,
        audit: &NewAuditEntry,
    ) -> Result<CategoryRemoval, StoreError>;
    /// Adds the categories that are missing (by name); returns how many were added.
    async fn kb_seed_categories(&self, names: &[&str]) -> Result<u64, StoreError>;
    async fn kb_article(&self, id: i64) -> Result<Option<Article>, StoreError>;
    async fn kb_articles_by_ids(&self, ids: &[i64]) -> Result<Vec<Article>, StoreError>;
    async fn kb_count(&self) -> Result<i64, StoreError>;
    /// Inserts or updates an article with its terms (replacing the old ones) and the audit
    /// entry, in one transaction. Returns its id.
    async fn kb_save_article(
        &self,
        id: Option<i64>,
        article: &ValidArticle,
        terms: &BTreeMap<String, i32>,
        actor: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    async fn kb_bulk_insert(
        &self,
        articles: &[(&ValidArticle, BTreeMap<String, i32>)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Articles holding every term (`all`), or any of them, best first.
    async fn kb_search_all(
        &self,
        terms: &[String],
        all: bool,
        public_only: bool,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError>;
    /// Articles holding a term in one of the `[start, end)` ranges, best first.
    async fn kb_search_prefixes(
        &self,
        ranges: &[(String, String)],
        public_only: bool,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError>;
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'n> &'n str: ColumnIndex<DB::Row> + Bind<'n, DB>,
    for<'n> Option<&'n str>: Bind<'n, DB>,
    String: Value<DB>,
    Option<String>: Value<DB>,
    i64: Value<DB>,
    Option<i64>: Value<DB>,
    i32: Value<DB>,
    Option<i32>: Value<DB>,
    bool: Value<DB>,
    Option<bool>: Value<DB>,
    f64: Value<DB>,
    Option<f64>: Value<DB>,
    DateTime<Utc>: Value<DB>,
    Option<DateTime<Utc>>: Value<DB>,
    NaiveDate: Value<DB>,
{
    /// Index rows `(term, article, weight, public)`, many per statement.
    pub(super) async fn insert_terms(
        conn: &mut DB::Connection,
        rows: &[(&str, i64, i32, bool)],
    ) -> Result<(), StoreError> {
        // 4 binds a row: 2,000 rows stay under both backends' bind limits.
        for chunk in rows.chunks(2_000) {
            let mut query = sqlx::QueryBuilder::<DB>::new(
                "INSERT INTO kb_terms (term, article_id, weight, public) ",
            );
            query.push_values(chunk, |mut row, (term, id, weight, public)| {
                row.push_bind(term.to_string())
                    .push_bind(*id)
                    .push_bind(*weight)
                    .push_bind(*public);
            });
            DB::execute(query, &mut *conn).await?;
        }
        Ok(())
    }

    pub(super) fn term_rows(
        id: i64,
        public: bool,
        terms: &std::collections::BTreeMap<String, i32>,
    ) -> Vec<(&str, i64, i32, bool)> {
        terms
            .iter()
            .map(|(term, weight)| (term.as_str(), id, *weight, public))
            .collect()
    }

    pub(super) async fn insert_article(
        conn: &mut DB::Connection,
        article: &hotline_domain::knowledge::ValidArticle,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO kb_articles (category_id, title, keywords, body, public, \
             source_case, updated_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(article.category_id)
        .bind(&article.title)
        .bind(&article.keywords)
        .bind(&article.body)
        .bind(article.public)
        .bind(&article.source_case)
        .bind(actor)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?)
    }

    pub(super) fn push_public(query: &mut sqlx::QueryBuilder<'_, DB>, public_only: bool) {
        if public_only {
            query.push(" AND t.public");
        }
    }
}

#[async_trait]
impl<DB> KnowledgeStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'n> &'n str: ColumnIndex<DB::Row> + Bind<'n, DB>,
    for<'n> Option<&'n str>: Bind<'n, DB>,
    String: Value<DB>,
    Option<String>: Value<DB>,
    i64: Value<DB>,
    Option<i64>: Value<DB>,
    i32: Value<DB>,
    Option<i32>: Value<DB>,
    bool: Value<DB>,
    Option<bool>: Value<DB>,
    f64: Value<DB>,
    Option<f64>: Value<DB>,
    DateTime<Utc>: Value<DB>,
    Option<DateTime<Utc>>: Value<DB>,
    NaiveDate: Value<DB>,
{
    async fn kb_categories_for(
        &self,
        public_only: bool,
    ) -> Result<Vec<hotline_domain::KbCategory>, StoreError> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT c.id, c.name, (SELECT COUNT(*) FROM kb_articles a \
             WHERE a.category_id = c.id AND (a.public = $1 OR $2)) \
             FROM kb_categories c ORDER BY c.position, c.id",
        )
        .bind(true)
        .bind(!public_only)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, articles)| hotline_domain::KbCategory { id, name, articles })
            .collect())
    }

    async fn kb_save_category(
        &self,
        id: Option<i64>,
        name: &str,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let saved: Option<i64> = match id {
            None => Some(
                sqlx::query_scalar(
                    "INSERT INTO kb_categories (name, position) VALUES ($1, \
                     (SELECT COALESCE(MAX(position), 0) + 1 FROM kb_categories)) \
                     RETURNING id",
                )
                .bind(name)
                .fetch_one(&mut *tx)
                .await
                .map_err(crate::store::conflict_on("name"))?,
            ),
            Some(id) => {
                sqlx::query_scalar("UPDATE kb_categories SET name = $1 WHERE id = $2 RETURNING id")
                    .bind(name)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(crate::store::conflict_on("name"))?
            }
        };
        let Some(saved) = saved else {
            return Ok(None);
        };
        let mut audit = audit.clone();
        audit.object_id = saved.to_string();
        Self::insert_audit(&mut *tx, &audit).await?;
        tx.commit().await?;
        Ok(Some(saved))
    }

    async fn kb_delete_category(
        &self,
        id: i64,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<crate::store::CategoryRemoval, StoreError> {
        use crate::store::CategoryRemoval;
        let mut tx = self.pool.begin().await?;
        let articles: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM kb_articles WHERE category_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if articles > 0 {
            return Ok(CategoryRemoval::InUse(articles));
        }
        let gone = match sqlx::query("DELETE FROM kb_categories WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
        {
            Ok(done) => done.rows_affected(),
            // An article was filed into it meanwhile.
            Err(sqlx::Error::Database(d)) if d.is_foreign_key_violation() => {
                return Ok(CategoryRemoval::InUse(1));
            }
            Err(e) => return Err(e.into()),
        };
        if gone == 0 {
            return Ok(CategoryRemoval::Missing);
        }
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(CategoryRemoval::Removed)
    }

    async fn kb_seed_categories(&self, names: &[&str]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for (i, name) in names.iter().enumerate() {
            added += sqlx::query(
                "INSERT INTO kb_categories (name, position) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(*name)
            .bind(i as i32)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn kb_article(&self, id: i64) -> Result<Option<hotline_domain::Article>, StoreError> {
        let row: Option<ArticleRow> =
            sqlx::query_as(&format!("{} WHERE a.id = $1", ARTICLE_SELECT))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(Into::into))
    }

    async fn kb_articles_by_ids(
        &self,
        ids: &[i64],
    ) -> Result<Vec<hotline_domain::Article>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = sqlx::QueryBuilder::<DB>::new(ARTICLE_SELECT);
        query.push(" WHERE a.id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        query.push(")");
        let rows: Vec<ArticleRow> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn kb_list(
        &self,
        category_id: i64,
        public_only: bool,
        limit: u32,
    ) -> Result<Vec<hotline_domain::Article>, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new(ARTICLE_SELECT);
        query.push(" WHERE a.category_id = ").push_bind(category_id);
        if public_only {
            query.push(" AND a.public = ").push_bind(true);
        }
        query
            .push(" ORDER BY a.updated_at DESC, a.id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows: Vec<ArticleRow> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn kb_index_sources(&self) -> Result<Vec<hotline_domain::Article>, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new(ARTICLE_SELECT);
        query.push(" ORDER BY a.id");
        let rows: Vec<ArticleRow> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn kb_replace_index(
        &self,
        articles: &[(i64, bool, BTreeMap<String, i32>)],
        setting: &str,
        version: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM kb_terms")
            .execute(&mut *tx)
            .await?;
        let rows: Vec<(&str, i64, i32, bool)> = articles
            .iter()
            .flat_map(|(id, public, terms)| Self::term_rows(*id, *public, terms))
            .collect();
        Self::insert_terms(&mut *tx, &rows).await?;
        sqlx::query(
            "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at",
        )
        .bind(setting)
        .bind(version)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn kb_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM kb_articles")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn kb_save_article(
        &self,
        id: Option<i64>,
        article: &hotline_domain::knowledge::ValidArticle,
        terms: &std::collections::BTreeMap<String, i32>,
        actor: &str,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = match id {
            None => Self::insert_article(&mut *tx, article, actor, at).await?,
            Some(id) => {
                let updated = sqlx::query(
                    "UPDATE kb_articles SET category_id = $1, title = $2, keywords = $3, \
                     body = $4, public = $5, source_case = $6, updated_by = $7, \
                     updated_at = $8 WHERE id = $9",
                )
                .bind(article.category_id)
                .bind(&article.title)
                .bind(&article.keywords)
                .bind(&article.body)
                .bind(article.public)
                .bind(&article.source_case)
                .bind(actor)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Err(StoreError::Corrupt(format!(
                        "article {id} vanished while being saved"
                    )));
                }
                sqlx::query("DELETE FROM kb_terms WHERE article_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        Self::insert_terms(&mut *tx, &Self::term_rows(id, article.public, terms)).await?;
        let mut audit = audit.clone();
        audit.object_id = id.to_string();
        Self::insert_audit(&mut *tx, &audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn kb_bulk_insert(
        &self,
        articles: &[(
            &hotline_domain::knowledge::ValidArticle,
            std::collections::BTreeMap<String, i32>,
        )],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(articles.len());
        for (article, _) in articles {
            ids.push(Self::insert_article(&mut *tx, article, actor, at).await?);
        }
        let rows: Vec<(&str, i64, i32, bool)> = articles
            .iter()
            .zip(&ids)
            .flat_map(|((article, terms), id)| Self::term_rows(*id, article.public, terms))
            .collect();
        Self::insert_terms(&mut *tx, &rows).await?;
        tx.commit().await?;
        // Fresh statistics (and, on PostgreSQL, the visibility map that lets search
        // read the index alone) after a load large enough to change plans.
        if rows.len() > 10_000 {
            sqlx::query(DB::ANALYZE_KB_TERMS)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn kb_search_all(
        &self,
        terms: &[String],
        all: bool,
        public_only: bool,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // Each term gives at most its best postings (title before keywords before
        // body, newest first), read in index order: the work per keystroke is
        // bounded however common a word is.
        let mut query = sqlx::QueryBuilder::<DB>::new(
            "SELECT c.article_id, SUM(c.weight) AS score, COUNT(*) AS matched FROM (",
        );
        for (i, term) in terms.iter().enumerate() {
            if i > 0 {
                query.push(" UNION ALL ");
            }
            query
                .push(
                    "SELECT * FROM (SELECT t.article_id, t.weight FROM kb_terms t WHERE t.term = ",
                )
                .push_bind(term.clone());
            Self::push_public(&mut query, public_only);
            query
                .push(" ORDER BY t.weight DESC, t.article_id DESC LIMIT ")
                .push_bind(crate::store::KB_POSTINGS_MAX)
                .push(format!(") p{i}"));
        }
        query.push(") c GROUP BY c.article_id");
        if all {
            query
                .push(" HAVING COUNT(*) = ")
                .push_bind(terms.len() as i64);
        }
        query
            .push(" ORDER BY matched DESC, score DESC, c.article_id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows: Vec<(i64, i64, i64)> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn kb_search_prefixes(
        &self,
        ranges: &[(String, String)],
        public_only: bool,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError> {
        if ranges.is_empty() {
            return Ok(Vec::new());
        }
        // Each range gives at most its first postings in index order (shorter
        // terms first): a one-letter prefix costs no more than a whole word, and
        // the list sharpens with every letter typed.
        let mut query =
            sqlx::QueryBuilder::<DB>::new("SELECT c.article_id, MAX(c.weight) AS score FROM (");
        for (i, (start, end)) in ranges.iter().enumerate() {
            if i > 0 {
                query.push(" UNION ALL ");
            }
            query
                .push(
                    "SELECT * FROM (SELECT t.article_id, t.weight FROM kb_terms t WHERE t.term >= ",
                )
                .push_bind(start.clone())
                .push(" AND t.term < ")
                .push_bind(end.clone());
            Self::push_public(&mut query, public_only);
            query
                .push(" ORDER BY t.term, t.weight DESC, t.article_id DESC LIMIT ")
                .push_bind(crate::store::KB_POSTINGS_MAX)
                .push(format!(") p{i}"));
        }
        query
            .push(") c GROUP BY c.article_id ORDER BY score DESC, c.article_id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows: Vec<(i64, i32)> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
