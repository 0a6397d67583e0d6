-- Members' suggested questions and problem reports, decided by the server's question editors
-- in its review channel. What was suggested is kept as written (JSON, as Question.to_json()),
-- and what was approved, as approved: an approved suggestion credits its author in /stats.
CREATE TABLE suggestions (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    user_id            INTEGER NOT NULL,
    bank               TEXT    NOT NULL,          -- the slug of the server bank it goes into
    question           TEXT    NOT NULL,          -- JSON: as suggested, then as approved
    local_date         TEXT    NOT NULL,          -- the server's day it was suggested (the cap)
    status             TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'approved', 'rejected')),
    reason             TEXT,                      -- a rejection's reason, if one was given
    decided_by         INTEGER,
    decided_at         INTEGER,
    review_channel_id  INTEGER,
    review_message_id  INTEGER,
    created_at         INTEGER NOT NULL
);
CREATE INDEX suggestions_by_member_day ON suggestions (guild_id, user_id, local_date);
CREATE INDEX suggestions_approved ON suggestions (guild_id, user_id) WHERE status = 'approved';

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    user_id            INTEGER NOT NULL,
    bank               TEXT    NOT NULL,          -- the library key of the question's bank
    question_id        TEXT    NOT NULL,
    reason             TEXT    NOT NULL CHECK (reason IN ('wrong', 'unclear', 'typo', 'other')),
    note               TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'edited', 'retired', 'dismissed')),
    decided_by         INTEGER,
    decided_at         INTEGER,
    review_channel_id  INTEGER,
    review_message_id  INTEGER,
    created_at         INTEGER NOT NULL
);
-- one open report per member and question: a second click while it is open changes nothing
CREATE UNIQUE INDEX reports_one_open
    ON reports (guild_id, user_id, bank, question_id) WHERE status = 'open';

-- Outcomes that could not be sent by direct message (closed DMs): the member's next /suggest or
-- /stats in that server shows them, once.
CREATE TABLE outcome_notices (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX outcome_notices_by_member ON outcome_notices (guild_id, user_id);
