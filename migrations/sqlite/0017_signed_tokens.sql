-- Secure-mode tokens (README, "Signed requests"): the public key a token is bound to, as a
-- canonical JWK (RFC 7638 member order). Such a token has no secret: `secret_hash` is empty
-- and no bearer presentation of it can match.
ALTER TABLE tokens ADD COLUMN public_key TEXT;
