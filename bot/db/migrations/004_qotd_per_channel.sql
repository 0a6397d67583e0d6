-- The question of the day belongs to its channel, not to the schedule row that happens to serve
-- it: removing a schedule and setting it up again keeps the channel's rotation, and the channel
-- gets one post per local date (so one answer per member and date) whichever schedule posts.

-- Which questions a channel was asked in each cycle of its rotation (was per schedule, and
-- deleted with it).
CREATE TABLE channel_used (
    channel_id   INTEGER NOT NULL,
    cycle        INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    PRIMARY KEY (channel_id, cycle, question_id)
) WITHOUT ROWID;

INSERT OR IGNORE INTO channel_used (channel_id, cycle, question_id)
SELECT s.channel_id, u.cycle, u.question_id
FROM schedule_used u JOIN schedules s ON s.id = u.schedule_id;

-- Posts of schedules removed since: their questions were asked in the channel too (counted in
-- its current cycle unless the channel's history already has them).
INSERT OR IGNORE INTO channel_used (channel_id, cycle, question_id)
SELECT p.channel_id,
       coalesce((SELECT max(cycle) FROM channel_used c WHERE c.channel_id = p.channel_id), 1),
       p.question_id
FROM posts p
WHERE p.schedule_id IS NULL AND p.state IN ('posted', 'revealed')
  AND NOT EXISTS (SELECT 1 FROM channel_used c
                  WHERE c.channel_id = p.channel_id AND c.question_id = p.question_id);

DROP TABLE schedule_used;

-- One post per channel and local date, whichever schedule made it. A second post of a date made
-- before this version is kept (members' answers to it stay) but marked 'failed'. The one that
-- stays is the open one if there is one (so that it is still revealed), else the first.
UPDATE posts SET state = 'failed'
WHERE id NOT IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY channel_id, local_date
            ORDER BY state = 'posted' DESC, state = 'revealed' DESC, id
        ) AS n
        FROM posts
    ) WHERE n = 1
);
CREATE UNIQUE INDEX posts_one_per_channel_date ON posts (channel_id, local_date)
    WHERE state <> 'failed';

-- Reveal delays older versions accepted from forged requests (0, negative, 2^53 hours, which
-- overflowed on every tick): back to the default, just before the next question.
UPDATE schedules SET reveal_after_min = NULL
WHERE reveal_after_min IS NOT NULL AND reveal_after_min NOT BETWEEN 60 AND 72 * 60;
