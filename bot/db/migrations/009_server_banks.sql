-- Banks owned by a server, managed from Discord (/bank, /question). The operator's banks on
-- disk stay read-only and shared by every server. A question keeps its id through edits and
-- re-uploads, so answers and review cards (which name it by id) stay with it.
CREATE TABLE server_banks (
    guild_id    INTEGER NOT NULL,
    slug        TEXT    NOT NULL,           -- how commands name it; its key is '<guild>:<slug>'
    name        TEXT    NOT NULL,
    source      TEXT,                       -- the file it was last uploaded from
    updated_by  INTEGER,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, slug)
) WITHOUT ROWID;

CREATE TABLE server_questions (
    guild_id    INTEGER NOT NULL,
    bank        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    question    TEXT    NOT NULL,           -- JSON, as Question.to_json()
    PRIMARY KEY (guild_id, bank, id),
    FOREIGN KEY (guild_id, bank) REFERENCES server_banks (guild_id, slug) ON DELETE CASCADE
) WITHOUT ROWID;

-- Who may manage questions besides Manage Server, and where suggestions and reports go.
ALTER TABLE guild_settings ADD COLUMN editor_role_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN review_channel_id INTEGER;

-- The item a /review card was last shown as, with the card's review count then: a click is
-- judged by what the member saw, even if the question was edited in between.
ALTER TABLE cards ADD COLUMN shown_item TEXT;
ALTER TABLE cards ADD COLUMN shown_reps INTEGER;
