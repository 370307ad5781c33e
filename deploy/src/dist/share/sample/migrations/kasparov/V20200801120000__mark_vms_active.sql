UPDATE vms SET retirement_state = 'active' WHERE retirement_state IS NULL;
