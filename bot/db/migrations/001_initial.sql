-- Instants are UTC: INTEGER unix seconds, or REAL seconds where order within a second matters.
-- Local dates are 'YYYY-MM-DD' in the zone of the schedule or the server.

CREATE TABLE guild_settings (
    guild_id      INTEGER PRIMARY KEY,
    timezone      TEXT    NOT NULL DEFAULT 'UTC',  -- periods (week, month) and streak days
    qotd_enabled  INTEGER NOT NULL DEFAULT 1,
    quiz_enabled  INTEGER NOT NULL DEFAULT 1,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE schedules (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL UNIQUE,    -- one schedule per channel
    local_time        TEXT    NOT NULL,           -- 'HH:MM'
    timezone          TEXT    NOT NULL,           -- IANA name
    days              INTEGER NOT NULL,           -- bit 0 = Monday ... bit 6 = Sunday
    role_id           INTEGER,
    bank              TEXT    NOT NULL,
    reveal_after_min  INTEGER,                    -- NULL: just before the next post
    thread            INTEGER NOT NULL DEFAULT 0,
    paused            INTEGER NOT NULL DEFAULT 0,
    next_due          INTEGER NOT NULL,
    cycle             INTEGER NOT NULL DEFAULT 1,
    error             TEXT,                       -- why posting stopped (deleted channel, ...)
    notice            TEXT,                       -- e.g. a catch-up skipped as too late
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX schedules_by_guild ON schedules (guild_id);
CREATE INDEX schedules_due ON schedules (next_due) WHERE paused = 0 AND error IS NULL;

CREATE TABLE schedule_used (
    schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    cycle        INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    PRIMARY KEY (schedule_id, cycle, question_id)
) WITHOUT ROWID;

CREATE TABLE posts (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    schedule_id  INTEGER REFERENCES schedules (id) ON DELETE SET NULL,
    local_date   TEXT    NOT NULL,
    bank         TEXT    NOT NULL,
    question_id  TEXT    NOT NULL,
    nonce        TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'claimed'
                 CHECK (state IN ('claimed', 'posted', 'revealed', 'failed')),
    message_id   INTEGER,
    thread_id    INTEGER,
    claimed_at   INTEGER NOT NULL,
    posted_at    INTEGER,
    reveal_at    INTEGER NOT NULL,
    UNIQUE (schedule_id, local_date)
);
CREATE INDEX posts_by_guild_date ON posts (guild_id, local_date);
CREATE INDEX posts_to_reveal ON posts (reveal_at) WHERE state = 'posted';
CREATE INDEX posts_unconfirmed ON posts (claimed_at) WHERE state = 'claimed';

CREATE TABLE quiz_sessions (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,                -- who started it
    mode         TEXT    NOT NULL CHECK (mode IN ('solo', 'group')),
    bank         TEXT    NOT NULL,
    topic        TEXT,
    difficulty   TEXT,
    typed        INTEGER NOT NULL DEFAULT 0,      -- answers typed in a modal
    total        INTEGER NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,      -- index of the question being asked
    state        TEXT    NOT NULL DEFAULT 'running'
                 CHECK (state IN ('running', 'finished', 'stopped')),
    started_at   REAL    NOT NULL,
    ended_at     REAL
);
CREATE UNIQUE INDEX one_group_quiz_per_channel
    ON quiz_sessions (channel_id) WHERE state = 'running' AND mode = 'group';

CREATE TABLE quiz_questions (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    message_id   INTEGER,
    asked_at     REAL,
    deadline     REAL,
    closed       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (session_id, position)
);

CREATE TABLE answers (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    board             TEXT    NOT NULL CHECK (board IN ('qotd', 'quiz')),
    post_id           INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    quiz_question_id  INTEGER REFERENCES quiz_questions (id) ON DELETE CASCADE,
    question_id       TEXT    NOT NULL,
    topic             TEXT,
    choice            INTEGER,
    response          TEXT,
    correct           INTEGER NOT NULL,
    points            INTEGER NOT NULL,               -- what the member earned with it
    week_key          TEXT    NOT NULL,               -- '2026-W49' in the server's zone
    month_key         TEXT    NOT NULL,               -- '2026-11'
    week_points       INTEGER NOT NULL DEFAULT 0,     -- what it adds to each period's board
    month_points      INTEGER NOT NULL DEFAULT 0,
    all_points        INTEGER NOT NULL DEFAULT 0,
    answered_at       REAL    NOT NULL,
    CHECK ((post_id IS NULL) <> (quiz_question_id IS NULL)),
    UNIQUE (post_id, user_id),
    UNIQUE (quiz_question_id, user_id)
);
CREATE INDEX answers_by_member ON answers (guild_id, user_id, answered_at);
CREATE INDEX answers_by_question ON answers (guild_id, user_id, question_id);

-- Which quiz question already scored for a member in a period ('all', a week or a month key).
CREATE TABLE quiz_credit (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    period       TEXT    NOT NULL,
    question_id  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, period, question_id)
) WITHOUT ROWID;

-- Totals per member, board ('qotd', 'quiz', 'all') and period ('all', '2026-W49', '2026-11'),
-- kept in the transaction of the answer that changes them.
CREATE TABLE scores (
    guild_id  INTEGER NOT NULL,
    board     TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    user_id   INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, board, period, user_id)
) WITHOUT ROWID;
CREATE INDEX scores_ranking ON scores (guild_id, board, period, points DESC, user_id);

CREATE TABLE streaks (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    current     INTEGER NOT NULL,
    best        INTEGER NOT NULL,
    last_date   TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE TABLE bot_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
