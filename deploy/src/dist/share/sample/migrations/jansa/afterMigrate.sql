-- Seed data of the sample application, as `rake db:seed` would load it: this region's
-- row and its administrator. Flyway runs it after every migrate; it is idempotent.
DO $$
DECLARE
  this_region integer;
  first_id bigint;
BEGIN
  IF to_regclass('muster.region') IS NULL THEN
    RAISE NOTICE 'no region recorded yet (muster-agent init): no seed data';
    RETURN;
  END IF;
  SELECT region INTO this_region FROM muster.region;
  IF this_region IS NULL THEN
    RAISE NOTICE 'no region recorded yet (muster-agent init): no seed data';
    RETURN;
  END IF;
  first_id := this_region::bigint * 1000000000000;
  INSERT INTO miq_regions (region, description) VALUES (this_region, 'Region ' || this_region)
    ON CONFLICT (region) DO NOTHING;
  IF NOT EXISTS (SELECT 1 FROM users
                 WHERE userid = 'admin' AND id BETWEEN first_id AND first_id + 999999999999) THEN
    INSERT INTO users (userid, name) VALUES ('admin', 'Administrator');
  END IF;
END
$$;
