-- 008: teams, and players assigned to them (basketball-api#85, fixed).
-- Idempotent: the division enum exists since 004, so it is only used here, and every
-- object this migration creates may already exist from an earlier, interrupted attempt.
DO $$ BEGIN
    CREATE TYPE agegroup AS ENUM ('u10', 'u12', 'u14', 'u16', 'u18');
EXCEPTION
    WHEN duplicate_object THEN null;
END $$;

CREATE TABLE IF NOT EXISTS teams (
    id          SERIAL PRIMARY KEY,
    tenant_id   INTEGER      NOT NULL REFERENCES tenants (id),
    name        VARCHAR(100) NOT NULL,
    division    division     NOT NULL,
    age_group   agegroup     NOT NULL,
    coach_id    INTEGER      REFERENCES coaches (id),
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ix_teams_tenant_id ON teams (tenant_id);
CREATE INDEX IF NOT EXISTS ix_teams_coach_id ON teams (coach_id);

ALTER TABLE players ADD COLUMN IF NOT EXISTS team_id INTEGER REFERENCES teams (id);
