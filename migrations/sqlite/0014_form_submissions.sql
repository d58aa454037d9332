-- Submissions already acted on: a form (or an API client) sends a one-time key with a
-- request that creates something, and a second request with the same key is refused,
-- so a double click or a resent form never mints two tokens. Kept for a day.
CREATE TABLE form_submissions (
    key TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
CREATE INDEX form_submissions_created ON form_submissions(created_at);
