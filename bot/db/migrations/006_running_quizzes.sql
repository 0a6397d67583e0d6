-- Running quizzes are found without reading every quiz ever played: a member's (the limits at
-- /quiz) and all of them (resume at start-up, the idle sweep). A channel's group quiz already
-- has its index (one_group_quiz_per_channel).

CREATE INDEX quiz_sessions_running_by_member ON quiz_sessions (guild_id, user_id)
    WHERE state = 'running';
CREATE INDEX quiz_sessions_running ON quiz_sessions (id) WHERE state = 'running';
