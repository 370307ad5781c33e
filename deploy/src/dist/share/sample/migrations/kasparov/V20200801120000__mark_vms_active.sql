UPDATE vms SET retirement_state = 'active' WHERE retirement_state IS NULL;
-- A data migration takes a while on a real appliance; so that the gap between a
-- migration's start and its commit is visible, this one takes half a second too.
SELECT pg_sleep(0.5);
