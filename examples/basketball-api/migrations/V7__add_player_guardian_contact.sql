-- 007: guardian contact for tryout confirmations.
ALTER TABLE players ADD COLUMN guardian_email VARCHAR(320);
ALTER TABLE players ADD COLUMN guardian_phone VARCHAR(32);
