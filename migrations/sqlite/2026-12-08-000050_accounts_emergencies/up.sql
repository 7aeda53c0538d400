-- Emergency actions of the RA portal (issue 16): an administrator revoked
-- a lost token's certificates at once, without the approval step; the
-- approvers of its province acknowledge it afterwards. The CA operation
-- and its audit event (marked "emergency") are ca-core's; this row is the
-- portal's to-do list of acknowledgements. Keep in step with
-- ../../postgres/.
CREATE TABLE emergency_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action TEXT NOT NULL,
    token_serial TEXT NOT NULL,
    province TEXT NOT NULL,
    revoked TEXT NOT NULL,
    performed_by BIGINT NOT NULL REFERENCES users (id),
    performed_at TIMESTAMP NOT NULL,
    acknowledged_by BIGINT REFERENCES users (id),
    acknowledged_at TIMESTAMP
);
CREATE INDEX emergency_actions_open ON emergency_actions (acknowledged_at, province);
