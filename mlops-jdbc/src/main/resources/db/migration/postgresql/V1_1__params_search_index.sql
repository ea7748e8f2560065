-- Run search by param ("params.trainer = 'lr'") needs (key, value) lookups. A PostgreSQL B-tree
-- entry may not exceed about 2700 bytes, and a param value may be 6000 characters, so the index
-- holds a 256-character prefix of the value (at most 1024 + 1000 bytes with the key in UTF-8).
-- Queries must compare left(param_value, 256) = left(?, 256) AND param_value = ? to use it.
CREATE INDEX params_key_value_idx ON params (param_key, left(param_value, 256));
