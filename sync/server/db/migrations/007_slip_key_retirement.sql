-- A county admin retires a facility's slip key (a stolen or scrapped PC, a
-- leaked key). The key stays published so slips issued before still verify;
-- verifiers refuse slips it signed from retired_at on, and the clinic makes a
-- new key when it sees its own retired.
ALTER TABLE facility_slip_keys
  ADD COLUMN retired_at timestamptz,
  ADD COLUMN retired_by text;
