-- Public keys that facilities sign referral slips with (SM2, one per printing
-- workstation). Registered by the clinic with a proof of possession; published
-- in the facility's reference document so every clinic verifies slips offline.
CREATE TABLE facility_slip_keys (
  facility_id text NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
  key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{12}$'),
  public_key text NOT NULL CHECK (public_key ~ '^04[0-9a-f]{128}$'),
  registered_by_device text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (facility_id, key_id)
);
