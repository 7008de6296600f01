-- Per-facility referral review configuration, set by the county (county-cli
-- review-config) and read by every gateway process when it judges a command.
-- A facility without a row takes DEFAULT_REVIEW_CONFIG (both sides reviewed,
-- two outgoing and three incoming levels).
CREATE TABLE review_config (
  facility_id text PRIMARY KEY REFERENCES facilities (id) ON DELETE CASCADE,
  -- 免审: this side passes without review.
  outgoing_review_free boolean NOT NULL,
  -- 1 = department head; 2 = department head, then medical affairs.
  outgoing_levels integer NOT NULL CHECK (outgoing_levels BETWEEN 1 AND 2),
  incoming_review_free boolean NOT NULL,
  -- clinical department → administrative department → vice-president.
  incoming_levels integer NOT NULL CHECK (incoming_levels BETWEEN 1 AND 3),
  updated_at timestamptz NOT NULL DEFAULT now()
);
