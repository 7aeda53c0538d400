-- Batches of issuance requests of the RA portal (ra-portal/src/batches,
-- docs/batches.md): one officer's selection of people of a unit, their
-- CSRs uploaded together, decided in one approval. Keep in step with
-- ../../sqlite/.

-- state: submitted → approved (its requests carried out one by one) →
-- done, or submitted → rejected. unit_id: the unit the people were
-- selected from; province: the unit's province (authorization).
CREATE TABLE batches (
    id BIGSERIAL PRIMARY KEY,
    province TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    state TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'done', 'rejected')),
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    comment TEXT,
    finished_at TIMESTAMP
);

-- The requests of a batch, in the order they are carried out. file_name:
-- the uploaded file the person's CSR came from.
CREATE TABLE batch_requests (
    request_id BIGINT PRIMARY KEY NOT NULL REFERENCES requests (id),
    batch_id BIGINT NOT NULL REFERENCES batches (id),
    position INTEGER NOT NULL,
    file_name TEXT NOT NULL
);
CREATE INDEX batch_requests_batch ON batch_requests (batch_id, position);
