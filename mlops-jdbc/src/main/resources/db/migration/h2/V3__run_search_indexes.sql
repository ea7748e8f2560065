-- Run search (see RunSearchSql): (key, value) lookups for tag clauses, as V1_1 added for params,
-- and value lookups for data set clauses, which otherwise scan every input of every run.
-- The same indexes exist for PostgreSQL, where the tag index has to hold a prefix of the value.
CREATE INDEX run_tags_key_value_idx ON run_tags (tag_key, tag_value);
CREATE INDEX run_inputs_name_idx ON run_inputs (dataset_name, run_id);
CREATE INDEX run_inputs_digest_idx ON run_inputs (digest, run_id);
