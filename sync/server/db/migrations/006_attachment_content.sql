-- The bytes of attachment documents (consent scans, records, lab reports).
-- The metadata is an ordinary `attachments` document (scope, owner, digest);
-- the file itself comes by its own binary route, checked against that digest,
-- and is written once: a different file under the same id is refused.
CREATE TABLE attachment_content (
  id text PRIMARY KEY,
  facility_id text NOT NULL,
  mime text NOT NULL,
  size integer NOT NULL CHECK (size >= 0),
  digest text NOT NULL,
  content bytea NOT NULL,
  uploaded_by_device text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
