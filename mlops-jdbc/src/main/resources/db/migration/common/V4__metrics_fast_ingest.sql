-- Metric points are the one table written at high rate (issue 3: at least 100,000 points/s).
-- Measured on PostgreSQL 15 with one million points, the per-row foreign-key check (an index probe
-- plus a KEY SHARE lock on the same run row for every point) and the primary-key index on seq
-- together cost more than half of the insert time.
--
-- Referential integrity is kept without them: logMetrics locks the run's row (SELECT ... FOR
-- UPDATE) in the same transaction before inserting, and runs are never deleted while they have
-- metrics. metrics_point_uk (V2) stays the table's key and serves history reads; seq stays as the
-- insertion-order tie-breaker of a metric's history.
ALTER TABLE metrics DROP CONSTRAINT metrics_run_fk;
ALTER TABLE metrics DROP CONSTRAINT metrics_pk;
