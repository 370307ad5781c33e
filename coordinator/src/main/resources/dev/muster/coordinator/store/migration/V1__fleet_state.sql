-- The coordinator's durable state, in schema muster of the global's database (never published).
-- Operators' decisions (members, pause, forced releases) are authoritative here; what regions
-- reported is a copy of what their databases say, kept so a restarted coordinator resumes at once.

-- One row: the fleet's settings. Its presence means the members were seeded from the configuration.
CREATE TABLE fleet_settings (
    id           boolean PRIMARY KEY DEFAULT true CHECK (id),
    seeded_at    timestamptz NOT NULL,
    paused_reason text,
    paused_by    text,
    paused_at    timestamptz,
    CHECK ((paused_reason IS NULL) = (paused_by IS NULL) AND (paused_by IS NULL) = (paused_at IS NULL))
);

CREATE TABLE fleet_member (
    region integer PRIMARY KEY CHECK (region >= 0)
);

CREATE TABLE fleet_forced_release (
    version   text PRIMARY KEY,
    reason    text NOT NULL,
    forced_by text NOT NULL,
    forced_at timestamptz NOT NULL
);

CREATE TABLE fleet_region (
    region        integer PRIMARY KEY CHECK (region >= 0),
    role          text NOT NULL CHECK (role IN ('REMOTE', 'GLOBAL')),
    last_seen     timestamptz,
    waiting_version text,
    waiting_on    integer[],
    waiting_held  text,
    waiting_since timestamptz
);

-- position keeps Flyway's version order, which is not the text order ("1.10" after "1.9").
CREATE TABLE fleet_region_migration (
    region             integer NOT NULL REFERENCES fleet_region ON DELETE CASCADE,
    version            text NOT NULL,
    description        text NOT NULL,
    checksum           integer,
    applied_position   integer,
    available_position integer,
    PRIMARY KEY (region, version),
    CHECK (applied_position IS NOT NULL OR available_position IS NOT NULL)
);

CREATE TABLE fleet_event (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     timestamptz NOT NULL,
    region integer,
    kind   text NOT NULL,
    actor  text NOT NULL,
    detail text NOT NULL
);
CREATE INDEX fleet_event_region ON fleet_event (region, id);
