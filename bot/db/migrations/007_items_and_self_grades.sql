-- Questions that teach: what was asked is stored with the post and the quiz question (the item,
-- as JSON: its kind, prompt, options and the right one), so that a bank edit or a new item
-- builder never changes what an earlier click means. Posts and quiz questions made before this
-- version have no item: theirs is rebuilt from the bank as before.
ALTER TABLE posts ADD COLUMN item TEXT;
ALTER TABLE quiz_questions ADD COLUMN item TEXT;

-- How a schedule asks its questions: the best item of each ('auto'), only choice items
-- ('choice'), or recall with a self-graded key-point checklist ('recall').
ALTER TABLE schedules ADD COLUMN format TEXT NOT NULL DEFAULT 'auto'
    CHECK (format IN ('auto', 'choice', 'recall'));

-- A quiz asks the same way, chosen by the member who starts it.
ALTER TABLE quiz_sessions ADD COLUMN format TEXT NOT NULL DEFAULT 'auto'
    CHECK (format IN ('auto', 'choice', 'recall'));

-- Recall items are graded by the member (Anki's Again = 1, Hard, Good, Easy = 4), with how many
-- key points they ticked. They count for streaks and practice, never for leaderboard points
-- (self-report can be gamed), so they live apart from `answers` and its score triggers. A
-- member's first grade for a post or quiz question counts.
CREATE TABLE self_grades (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    board             TEXT    NOT NULL CHECK (board IN ('qotd', 'quiz')),
    post_id           INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    quiz_question_id  INTEGER REFERENCES quiz_questions (id) ON DELETE CASCADE,
    question_id       TEXT    NOT NULL,
    topic             TEXT,
    grade             INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    recalled          INTEGER NOT NULL,                -- key points ticked
    points_total      INTEGER NOT NULL,                -- key points shown
    graded_at         REAL    NOT NULL,
    CHECK ((post_id IS NULL) <> (quiz_question_id IS NULL)),
    UNIQUE (post_id, user_id),
    UNIQUE (quiz_question_id, user_id)
);
CREATE INDEX self_grades_by_member ON self_grades (guild_id, user_id, graded_at);
