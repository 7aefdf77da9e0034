-- 005: tryout sessions, one division each.
CREATE TABLE tryouts (
    id          SERIAL PRIMARY KEY,
    tenant_id   INTEGER      NOT NULL REFERENCES tenants (id),
    division    division     NOT NULL,
    starts_at   TIMESTAMPTZ  NOT NULL,
    location    VARCHAR(200) NOT NULL
);
CREATE INDEX ix_tryouts_tenant_id ON tryouts (tenant_id);
