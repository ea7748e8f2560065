-- Run search (see RunSearchSql): (key, value) lookups for tag clauses, as V1_1 added for params,
-- and value lookups for data set clauses, which otherwise scan every input of every run.
-- A tag value may be 8000 characters, more than a B-tree entry holds, so the index keeps a
-- 256-character prefix; RunSearchSql states equality on left(tag_value, 256) too so it is used.
CREATE INDEX run_tags_key_value_idx ON run_tags (tag_key, left(tag_value, 256));
CREATE INDEX run_inputs_name_idx ON run_inputs (dataset_name, run_id);
CREATE INDEX run_inputs_digest_idx ON run_inputs (digest, run_id);
