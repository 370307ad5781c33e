CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    userid     text NOT NULL,
    name       text,
    created_on timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_users_on_userid ON users (userid);
