-- Registry completeness and sign-in hardening (ra-portal, ca-core). Keep in
-- step with ../../sqlite/.

-- A unit's parent unit (same province, no cycles: checked by ra-portal) and
-- its electronic agency code (mã định danh điện tử của cơ quan, Quyết định
-- 20/2020/QĐ-TTg, e.g. 000.00.31.H29), unique when given.
ALTER TABLE units ADD COLUMN parent_id BIGINT REFERENCES units (id);
ALTER TABLE units ADD COLUMN agency_code TEXT;
CREATE UNIQUE INDEX units_agency_code ON units (agency_code);

-- One individual per CCCD/CMND/passport, one organization per MST (devices
-- may share their organization's MST). ca-core refuses a duplicate first;
-- the index is the backstop against concurrent registrations.
CREATE UNIQUE INDEX subscribers_identity ON subscribers (kind, uid)
    WHERE uid IS NOT NULL AND kind IN ('individual', 'organization');

-- The last TOTP time step accepted for the account: a code is accepted
-- once. (users.totp_secret now holds `v1:` + base64 of nonce || AES-256-GCM
-- ciphertext, under the key file `portal-totp-key` of the data directory.)
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
