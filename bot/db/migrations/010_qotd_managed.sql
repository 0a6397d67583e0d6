-- The question of the day, managed from Discord: a post can be replaced by another question for
-- its date, a question can be moved to the end of its cycle, and a schedule can post open
-- questions for discussion only.

-- Posts of the discussion format have no answer buttons: a click forged for one is refused, and
-- its reveal goes to its thread. What a post is stays with it when its schedule is edited.
ALTER TABLE posts ADD COLUMN discussion INTEGER NOT NULL DEFAULT 0;

-- Two CHECK constraints accept one value more: a schedule's format 'discussion', and a post's
-- state 'replaced' (closed by /qotd skip, its answers counted, never revealed). SQLite cannot
-- alter a constraint, and rebuilding these tables would run their foreign key actions (posts
-- cascade to answers), so the constraint text is edited in place, the procedure SQLite documents
-- for changes that leave every stored row valid (sqlite.org/lang_altertable.html, "other kinds
-- of table schema changes"). RESET makes this connection read the new schema at once.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (format IN (''auto'', ''choice'', ''recall''))',
                  'CHECK (format IN (''auto'', ''choice'', ''recall'', ''discussion''))')
WHERE type = 'table' AND name = 'schedules';
UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (state IN (''claimed'', ''posted'', ''revealed'', ''failed''))',
                  'CHECK (state IN (''claimed'', ''posted'', ''revealed'', ''failed'', ''replaced''))')
WHERE type = 'table' AND name = 'posts';
PRAGMA writable_schema = RESET;

-- Had either text not been found, the migration stops here and is rolled back.
CREATE TEMP TABLE qotd_managed_check (edited INTEGER CHECK (edited = 2));
INSERT INTO qotd_managed_check
SELECT count(*) FROM sqlite_schema
WHERE (name = 'schedules' AND sql LIKE '%''discussion''%')
   OR (name = 'posts' AND sql LIKE '%''replaced''%');
DROP TABLE qotd_managed_check;

-- A replaced post leaves its channel's date to its replacement.
DROP INDEX posts_one_per_channel_date;
CREATE UNIQUE INDEX posts_one_per_channel_date ON posts (channel_id, local_date)
    WHERE state NOT IN ('failed', 'replaced');

-- Past questions of a channel, newest first (/qotd archive), and its open post (/qotd reveal-now).
CREATE INDEX posts_by_channel ON posts (channel_id, state, local_date);

-- Questions moved to the end of a cycle of a channel's rotation (Skip in /qotd upcoming, and the
-- question /qotd skip replaced), in the order they were moved: asked after every other question
-- of that cycle.
CREATE TABLE channel_deferred (
    channel_id   INTEGER NOT NULL,
    cycle        INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (channel_id, cycle, question_id)
) WITHOUT ROWID;
