-- A value may carry the time (Unix milliseconds) after which it is useless;
-- DeleteExpiredValues purges those. NULL: the value never expires.
ALTER TABLE kv ADD COLUMN expires_at INTEGER;
CREATE INDEX kv_by_expiry ON kv(expires_at) WHERE expires_at IS NOT NULL;

-- Records written before expiries existed get one now, from when they were
-- written: a used authorization code outlives its code (5 minutes) by far
-- after an hour; a revoked-token marker, the longest refresh token (3650
-- days) and the access and ID tokens refreshed last (1 day); a node's
-- heartbeat, an hour of silence.
UPDATE kv SET expires_at = updated_at + 3600000 WHERE key LIKE 'oauth-code-used/%' AND expires_at IS NULL;
UPDATE kv SET expires_at = updated_at + 3651 * 86400000 WHERE key LIKE 'revoked-token/%' AND expires_at IS NULL;
UPDATE kv SET expires_at = updated_at + 3600000 WHERE key LIKE 'nodes/%' AND expires_at IS NULL;
