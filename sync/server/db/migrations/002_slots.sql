-- Appointment slots (号源): the county's booking state of every published slot.
-- The `slots` documents clinics pull are written from these rows through the
-- normal write path (county_seq); this table is what the lock, the pool
-- queries and the quota bookings decide on.
-- No foreign keys on this table: a nightly upload inserts hundreds of thousands of rows and a
-- per-row key check costs a third of that; the gateway checks the hospital (its token) and the
-- allocated facilities (the quota rule) itself, and facilities are never deleted.
CREATE TABLE slots (
  id text PRIMARY KEY,
  hospital_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('outpatient', 'bed', 'emergency', 'virtual')),
  date text NOT NULL CHECK (date ~ '^\d{4}-\d{2}-\d{2}$'),
  period text NOT NULL CHECK (period IN ('am', 'pm', 'night', 'day')),
  start_time text,
  department_id text NOT NULL,
  -- '' when the slot names no doctor, so the natural key stays unique.
  doctor_id text NOT NULL DEFAULT '',
  number integer NOT NULL CHECK (number >= 1),
  fee_cents integer,
  green boolean NOT NULL,
  mode text NOT NULL CHECK (mode IN ('quota', 'online')),
  allocated_to text,
  -- Booking state; a suspension (停诊) is kept apart so that lifting it restores the booking state.
  state text NOT NULL CHECK (state IN ('open', 'held', 'booked')),
  suspended boolean NOT NULL DEFAULT false,
  held_by text,
  lock_id text,
  hold_until timestamptz,
  appointment_id text,
  patient_id text,
  purpose text,
  reference_id text,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL
);
-- The id is made from the natural key (hospital, kind, date, period, department, doctor, number),
-- so the primary key already keeps each slot once; publishing reads a hospital's days.
CREATE INDEX slots_hospital_day ON slots (hospital_id, date);
CREATE INDEX slots_pool ON slots (date, hospital_id, department_id) WHERE mode = 'online';
CREATE INDEX slots_doctor ON slots (doctor_id, date) WHERE doctor_id <> '';
CREATE INDEX slots_held ON slots (hold_until) WHERE state = 'held';
CREATE INDEX slots_appointment ON slots (appointment_id) WHERE appointment_id IS NOT NULL;

-- 配额模式: the share of a hospital's green slots allocated to named primary facilities.
-- The most specific rule wins: doctor, then department, then the whole hospital.
CREATE TABLE slot_allocation_rules (
  hospital_id text NOT NULL REFERENCES facilities (id),
  kind text NOT NULL,
  department_id text NOT NULL DEFAULT '',
  doctor_id text NOT NULL DEFAULT '',
  share double precision NOT NULL CHECK (share > 0 AND share <= 1),
  facility_ids text[] NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (hospital_id, kind, department_id, doctor_id)
);

-- Every publish (API or file import): the nightly report reads it.
CREATE TABLE slot_uploads (
  upload_id bigserial PRIMARY KEY,
  hospital_id text NOT NULL REFERENCES facilities (id),
  at timestamptz NOT NULL,
  source text NOT NULL CHECK (source IN ('api', 'import', 'demo')),
  created integer NOT NULL,
  updated integer NOT NULL,
  unchanged integer NOT NULL,
  rejected integer NOT NULL
);
CREATE INDEX slot_uploads_at ON slot_uploads (at);

-- No-shows (爽约) counted by the blacklist policy; dated by the slot's day.
CREATE TABLE slot_no_shows (
  patient_id text NOT NULL,
  slot_id text NOT NULL,
  hospital_id text NOT NULL REFERENCES facilities (id),
  date text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (patient_id, slot_id)
);
