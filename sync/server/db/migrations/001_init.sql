-- County gateway schema, version 1.
-- One sequence orders every stored change county-wide (countySeq).
CREATE SEQUENCE county_seq AS bigint;

CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE facilities (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  level text NOT NULL CHECK (level IN ('village', 'township', 'county', 'city')),
  parent_id text REFERENCES facilities (id),
  offline boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- 医联体对口关系: from may refer to to.
CREATE TABLE facility_relations (
  from_id text NOT NULL REFERENCES facilities (id),
  to_id text NOT NULL REFERENCES facilities (id),
  PRIMARY KEY (from_id, to_id)
);

CREATE TABLE enrolment_codes (
  code_hash text PRIMARY KEY,
  facility_id text NOT NULL REFERENCES facilities (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_device text
);

CREATE TABLE devices (
  id text PRIMARY KEY,
  facility_id text NOT NULL REFERENCES facilities (id),
  name text NOT NULL,
  secret_hash text NOT NULL,
  generation bigint NOT NULL DEFAULT 0,
  revoked boolean NOT NULL DEFAULT false,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  last_token_at timestamptz
);

CREATE TABLE documents (
  collection text NOT NULL,
  id text NOT NULL,
  owner text NOT NULL,
  -- Facility ids that may pull this document; '*' = every facility (reference data).
  scope text[] NOT NULL,
  county_seq bigint NOT NULL,
  county_time timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  data jsonb NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE INDEX documents_collection_seq ON documents (collection, county_seq);
CREATE INDEX documents_scope ON documents USING gin (scope);
CREATE INDEX documents_referral_patient ON documents ((data ->> 'patientId')) WHERE collection = 'referrals';
CREATE INDEX documents_command_referral ON documents ((data ->> 'referralId')) WHERE collection = 'referral_commands';

-- Idempotency: a retried batch returns the stored response and changes nothing.
CREATE TABLE pushes (
  facility_id text NOT NULL,
  push_id text NOT NULL,
  device_id text NOT NULL,
  user_id text NOT NULL,
  collection text NOT NULL,
  response jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (facility_id, push_id)
);

-- Append-only: who wrote what, when, with which seq (also proves which stamps the county gave).
CREATE TABLE write_log (
  log_id bigserial PRIMARY KEY,
  facility_id text,
  device_id text,
  user_id text,
  collection text NOT NULL,
  doc_id text NOT NULL,
  seq bigint NOT NULL,
  county_time timestamptz NOT NULL,
  origin text NOT NULL
);
CREATE INDEX write_log_doc ON write_log (collection, doc_id, seq);
