DROP TABLE batch_requests;
DROP TABLE batches;
