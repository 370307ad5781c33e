CREATE TABLE vms (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    vendor     text,
    created_on timestamptz NOT NULL DEFAULT now()
);
