CREATE TABLE miq_regions (
    id          bigserial PRIMARY KEY,
    region      integer NOT NULL UNIQUE,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
