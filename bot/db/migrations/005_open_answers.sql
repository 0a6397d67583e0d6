-- An answer to a question of the day counts on the boards from the post's reveal. Until then it
-- is the member's own: /leaderboard and another member's /stats cannot tell who got today's
-- question right. Quiz answers (and answers given before this migration) count at once.

ALTER TABLE answers ADD COLUMN counted INTEGER NOT NULL DEFAULT 1;
CREATE INDEX answers_open ON answers (post_id) WHERE counted = 0;

DROP TRIGGER answers_add_to_scores;

CREATE TRIGGER answers_add_to_scores AFTER INSERT ON answers WHEN new.counted = 1 BEGIN
    INSERT INTO scores (guild_id, board, period, user_id, points, answered, correct)
    VALUES
        (new.guild_id, new.board, new.week_key, new.user_id, new.week_points, 1, new.correct),
        (new.guild_id, new.board, new.month_key, new.user_id, new.month_points, 1, new.correct),
        (new.guild_id, new.board, 'all', new.user_id, new.all_points, 1, new.correct),
        (new.guild_id, 'all', new.week_key, new.user_id, new.week_points, 1, new.correct),
        (new.guild_id, 'all', new.month_key, new.user_id, new.month_points, 1, new.correct),
        (new.guild_id, 'all', 'all', new.user_id, new.all_points, 1, new.correct)
    ON CONFLICT (guild_id, board, period, user_id) DO UPDATE SET
        points = points + excluded.points,
        answered = answered + 1,
        correct = correct + excluded.correct;
END;

CREATE TRIGGER answers_count_at_reveal AFTER UPDATE OF counted ON answers
WHEN old.counted = 0 AND new.counted = 1 BEGIN
    INSERT INTO scores (guild_id, board, period, user_id, points, answered, correct)
    VALUES
        (new.guild_id, new.board, new.week_key, new.user_id, new.week_points, 1, new.correct),
        (new.guild_id, new.board, new.month_key, new.user_id, new.month_points, 1, new.correct),
        (new.guild_id, new.board, 'all', new.user_id, new.all_points, 1, new.correct),
        (new.guild_id, 'all', new.week_key, new.user_id, new.week_points, 1, new.correct),
        (new.guild_id, 'all', new.month_key, new.user_id, new.month_points, 1, new.correct),
        (new.guild_id, 'all', 'all', new.user_id, new.all_points, 1, new.correct)
    ON CONFLICT (guild_id, board, period, user_id) DO UPDATE SET
        points = points + excluded.points,
        answered = answered + 1,
        correct = correct + excluded.correct;
END;
