-- Accuracy per topic (/stats, the progress card, the member's web page) read from this index
-- alone: 28 ms for a member with 40,000 answers when each answer row had to be read.
CREATE INDEX answers_by_topic ON answers (guild_id, user_id, topic, counted, correct);
