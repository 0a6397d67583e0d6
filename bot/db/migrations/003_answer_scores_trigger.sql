-- Score totals follow each new answer inside the same INSERT statement: the answer's points for
-- its week, month and all time, on its own board and on the combined board.

CREATE TRIGGER answers_add_to_scores AFTER INSERT ON answers BEGIN
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
