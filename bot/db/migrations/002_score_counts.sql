-- How many members have each score, per server, board and period, kept by triggers on scores.
-- A member's rank is 1 + the members above their points: a sum over the distinct scores above
-- it (a few hundred rows), instead of a count over every member above them.

CREATE TABLE score_counts (
    guild_id  INTEGER NOT NULL,
    board     TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    points    INTEGER NOT NULL,
    members   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, board, period, points)
) WITHOUT ROWID;

INSERT INTO score_counts (guild_id, board, period, points, members)
SELECT guild_id, board, period, points, count(*) FROM scores
GROUP BY guild_id, board, period, points;

CREATE TRIGGER score_counts_insert AFTER INSERT ON scores BEGIN
    INSERT INTO score_counts (guild_id, board, period, points, members)
    VALUES (new.guild_id, new.board, new.period, new.points, 1)
    ON CONFLICT (guild_id, board, period, points) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER score_counts_update AFTER UPDATE OF points ON scores
WHEN old.points <> new.points BEGIN
    UPDATE score_counts SET members = members - 1
    WHERE guild_id = old.guild_id AND board = old.board AND period = old.period
      AND points = old.points;
    INSERT INTO score_counts (guild_id, board, period, points, members)
    VALUES (new.guild_id, new.board, new.period, new.points, 1)
    ON CONFLICT (guild_id, board, period, points) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER score_counts_delete AFTER DELETE ON scores BEGIN
    UPDATE score_counts SET members = members - 1
    WHERE guild_id = old.guild_id AND board = old.board AND period = old.period
      AND points = old.points;
END;
