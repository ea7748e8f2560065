-- Run search by param ("params.trainer = 'lr'") needs (key, value) lookups. H2 indexes the full
-- 6000-character value; PostgreSQL cannot (see the postgresql folder).
CREATE INDEX params_key_value_idx ON params (param_key, param_value);
