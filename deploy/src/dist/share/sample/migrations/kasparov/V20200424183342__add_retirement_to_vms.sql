ALTER TABLE vms
    ADD COLUMN retires_on       date,
    ADD COLUMN retirement_state text;
