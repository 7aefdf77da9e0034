-- 004 (alembic e09c9e678004): the division enum, first used by players.
CREATE TYPE division AS ENUM ('boys', 'girls');
ALTER TABLE players ADD COLUMN division division;
