-- Patient SMS (短信通知) outbox. A message is enqueued in the same transaction
-- as the referral command that causes it, so a message exists if and only if
-- the command was judged; the sender loop delivers it later, with retries.
CREATE TABLE sms_outbox (
  id text PRIMARY KEY,
  -- Queue order (listing, and messages of one transaction in the order they were judged).
  seq bigserial NOT NULL,
  -- One message per command: judging the same command twice (a retry, or two
  -- gateway processes) cannot send a second one.
  command_id text NOT NULL UNIQUE,
  referral_id text NOT NULL,
  -- The referring facility (the patient's clinic); CASCADE so a county reset clears its messages.
  facility_id text NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
  patient_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('submitted', 'approved', 'rejected', 'auto-rejected', 'arranged', 'printed')),
  phone text,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'no-phone')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- While `sending`: the sender that claimed it holds it until then (a crashed sender's claim expires).
  lease_until timestamptz,
  last_error text,
  provider_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX sms_outbox_referral ON sms_outbox (referral_id);
