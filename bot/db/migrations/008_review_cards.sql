-- Spaced repetition: a card per member and question in a server, scheduled by FSRS
-- (bot/study/review.py), and the log of every review, so that a member's cards can be
-- rescheduled from their history if FSRS parameters change. Every judged answer (question of
-- the day, quiz, /review) and every self-grade adds a review.
CREATE TABLE cards (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    bank         TEXT    NOT NULL,
    question_id  TEXT    NOT NULL,
    due          INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('new', 'learning', 'review', 'relearning')),
    stability    REAL,
    difficulty   REAL,
    step         INTEGER,
    last_review  INTEGER,
    reps         INTEGER NOT NULL DEFAULT 0,
    lapses       INTEGER NOT NULL DEFAULT 0,
    introduced   TEXT,                       -- local date /review first asked it as new
    created_at   INTEGER NOT NULL,
    UNIQUE (guild_id, user_id, question_id)
);
CREATE INDEX cards_due ON cards (guild_id, user_id, due);
CREATE INDEX cards_introduced ON cards (guild_id, user_id, introduced) WHERE introduced IS NOT NULL;

CREATE TABLE review_logs (
    id           INTEGER PRIMARY KEY,
    card_id      INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    grade        INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    reviewed_at  INTEGER NOT NULL,
    state        TEXT    NOT NULL,           -- the card's phase just before this review
    source       TEXT    NOT NULL CHECK (source IN ('qotd', 'quiz', 'review'))
);
CREATE INDEX review_logs_by_card ON review_logs (card_id, reviewed_at);

-- A member's review settings in a server: new cards a day (NULL: the server's default) and an
-- opt-in daily reminder by direct message at a local time.
CREATE TABLE review_settings (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    new_per_day   INTEGER,
    remind_time   TEXT,                      -- 'HH:MM', NULL: no reminder
    remind_tz     TEXT,
    remind_next   INTEGER,                   -- when the next reminder is due (UTC)
    dm_closed     INTEGER NOT NULL DEFAULT 0, -- a reminder bounced: say so once, in the server
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX review_reminders_due ON review_settings (remind_next) WHERE remind_next IS NOT NULL;

ALTER TABLE guild_settings ADD COLUMN new_per_day INTEGER NOT NULL DEFAULT 10;
