-- The knowledge base (SPEC K1–K2, P3): categories, articles, and the search index.
-- Kept column-for-column equal to migrations/postgres/0005_knowledge.sql (timestamps as
-- RFC 3339 UTC text, booleans as 0/1).

CREATE TABLE kb_categories (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE kb_articles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    category_id INTEGER NOT NULL REFERENCES kb_categories(id),
    title       TEXT NOT NULL,
    keywords    TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    public      INTEGER NOT NULL DEFAULT 0,
    source_case TEXT,
    updated_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX kb_articles_category ON kb_articles(category_id, id);

-- Search terms (see core/src/knowledge.rs): bigrams, characters, pinyin and initials
-- suffixes, Latin words, each with where it came from (weight) and whether the article is
-- public (so a citizen's search never leaves the index). SQLite compares text bytewise, so
-- a prefix is one range of the primary key. `kb_terms_rank` lists a term's articles best
-- first, so a term's best postings are read without touching the rest.
CREATE TABLE kb_terms (
    term       TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES kb_articles(id),
    weight     INTEGER NOT NULL,
    public     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (term, article_id)
) WITHOUT ROWID;
CREATE INDEX kb_terms_article ON kb_terms(article_id);
CREATE INDEX kb_terms_rank ON kb_terms(term, weight DESC, article_id DESC, public);
