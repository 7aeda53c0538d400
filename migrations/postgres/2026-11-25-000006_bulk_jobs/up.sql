-- Bulk re-issue jobs of the RA portal (ra-portal/src/bulk): a unit
-- renamed or merged into another gets a change-of-information
-- certificate for every active certificate of its subscribers. Keep in
-- step with ../../sqlite/.

-- One job per approved unit_change request (request_id is its id).
-- action: rename | merge. unit_id: the unit renamed, or merged away;
-- target_unit_id: the unit the subscribers now belong to (the same unit
-- for a rename). unit_name: the name the new certificates carry.
-- skipped_suspended: suspended certificates left as they are.
-- claimed_by / claimed_until: the worker holding the job (a lease, so two
-- processes never run one job at once; it lapses if the worker dies).
CREATE TABLE bulk_jobs (
    request_id BIGINT PRIMARY KEY NOT NULL REFERENCES requests (id),
    action TEXT NOT NULL CHECK (action IN ('rename', 'merge')),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    target_unit_id BIGINT NOT NULL REFERENCES units (id),
    unit_name TEXT NOT NULL,
    skipped_suspended BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- One item per certificate to replace. state: pending → done | failed
-- (failed → pending again on a retry). new_certificate_id: the
-- change-of-information certificate that replaced it.
CREATE TABLE bulk_items (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES bulk_jobs (request_id),
    certificate_id BIGINT NOT NULL REFERENCES certificates (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    new_certificate_id BIGINT REFERENCES certificates (id),
    error TEXT,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (request_id, certificate_id)
);
CREATE INDEX bulk_items_state ON bulk_items (request_id, state);
CREATE INDEX certificates_replaces ON certificates (replaces_id);
