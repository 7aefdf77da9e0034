-- 008 as alembic ran it in basketball-api#85: the migration creates its agegroup enum, then
-- SQLAlchemy's table events, driven by the model metadata, create the division enum again
-- (it exists since 004) before creating teams.
CREATE TYPE agegroup AS ENUM ('u10', 'u12', 'u14', 'u16', 'u18');
CREATE TYPE division AS ENUM ('boys', 'girls');

CREATE TABLE teams (
    id          SERIAL PRIMARY KEY,
    tenant_id   INTEGER      NOT NULL REFERENCES tenants (id),
    name        VARCHAR(100) NOT NULL,
    division    division     NOT NULL,
    age_group   agegroup     NOT NULL,
    coach_id    INTEGER      REFERENCES coaches (id),
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX ix_teams_tenant_id ON teams (tenant_id);
CREATE INDEX ix_teams_coach_id ON teams (coach_id);

ALTER TABLE players ADD COLUMN team_id INTEGER REFERENCES teams (id);
