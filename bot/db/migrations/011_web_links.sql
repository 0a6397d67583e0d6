-- A server's web page, off until an admin turns it on: its link's unguessable token. A new
-- token (rotate) or none (disable) makes every earlier link, members' own included, a 404.
CREATE TABLE web_links (
    guild_id    INTEGER PRIMARY KEY,
    token       TEXT    NOT NULL UNIQUE,
    created_by  INTEGER,
    created_at  INTEGER NOT NULL
);
