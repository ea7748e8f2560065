-- Metric point identity (schema version 2): a point is identified by (run, key, step, time, value),
-- MLflow's metric primary key. Writers that lost a connection during commit repeat the whole
-- batch; the unique index lets the insert skip the points that did commit, so every point is
-- stored exactly once (see TrackingStore.logMetrics).
--
-- Version 1 accepted identical points twice. Such copies carry no information beyond their
-- number, which the new rule defines away, so the later copies (higher seq) are removed before
-- the index is built; latest_metrics is unaffected because the surviving copy is equal.
DELETE FROM metrics WHERE EXISTS (
    SELECT 1 FROM metrics earlier
    WHERE earlier.run_id = metrics.run_id
      AND earlier.metric_key = metrics.metric_key
      AND earlier.step = metrics.step
      AND earlier.metric_time = metrics.metric_time
      AND earlier.metric_value = metrics.metric_value
      AND earlier.seq < metrics.seq
);

-- Also serves the foreign key on run_id and reading one metric's history by step and time, so
-- version 1's (run_id, metric_key, step, metric_time) index is dropped: one index fewer to
-- maintain on the hottest insert path.
CREATE UNIQUE INDEX metrics_point_uk ON metrics (run_id, metric_key, step, metric_time, metric_value);
DROP INDEX metrics_run_key_step_idx;
