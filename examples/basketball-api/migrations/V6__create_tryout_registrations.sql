-- 006: which player signed up for which tryout.
CREATE TABLE tryout_registrations (
    tryout_id      INTEGER     NOT NULL REFERENCES tryouts (id) ON DELETE CASCADE,
    player_id      INTEGER     NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    registered_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tryout_id, player_id)
);
