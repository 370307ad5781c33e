CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    userid     text NOT NULL,
    name       text,
    created_on timestamptz NOT NULL DEFAULT now()
);
-- Unique per region: the global holds every region's users, each region its own admin.
CREATE UNIQUE INDEX index_users_on_region_and_userid ON users ((id / 1000000000000), userid);
