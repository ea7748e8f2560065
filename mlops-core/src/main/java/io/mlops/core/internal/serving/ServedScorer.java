package io.mlops.core.internal.serving;

import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.ModelUri;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.core.internal.Validation;
import io.mlops.core.internal.monitoring.PredictionLogger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The scorer a {@link DefaultModelServer} hands out for one URI: every call runs on whichever
 * version is current when it starts, and holds that version open until it returns.
 */
final class ServedScorer implements Scorer {
    private final ModelUri uri;
    private final AtomicReference<LoadedVersion> current;
    /** Null when predictions are not logged. */
    private final PredictionLogger predictionLog;

    ServedScorer(ModelUri uri, AtomicReference<LoadedVersion> current, PredictionLogger predictionLog) {
        this.uri = uri;
        this.current = current;
        this.predictionLog = predictionLog;
    }

    private LoadedVersion acquire() {
        while (true) {
            LoadedVersion loaded = current.get();
            if (loaded == null) {
                throw new ConflictException("the model server serving " + uri + " is closed; build a new one to score");
            }
            if (loaded.tryAcquire()) {
                return loaded;
            }
            // That version was retired between the read and the acquire; its successor is already published.
        }
    }

    private <T> T call(int rows, Function<Scorer, T> body) {
        LoadedVersion loaded = acquire();
        try {
            if (!loaded.measured()) {
                return body.apply(loaded.scorer());
            }
            long start = System.nanoTime();
            try {
                T result = body.apply(loaded.scorer());
                loaded.recordSuccess(start, rows);
                return result;
            } catch (InvalidArgumentException e) {
                loaded.recordFailure(start, true);
                throw e;
            } catch (RuntimeException e) {
                loaded.recordFailure(start, false);
                throw e;
            }
        } finally {
            loaded.release();
        }
    }

    @Override
    public ModelVersion version() {
        LoadedVersion loaded = current.get();
        if (loaded == null) {
            throw new ConflictException("the model server serving " + uri + " is closed");
        }
        return loaded.version();
    }

    @Override
    public List<FeatureSpec> features() {
        // A metadata read: held against a swap like a call, but not timed as one.
        LoadedVersion loaded = acquire();
        try {
            return loaded.scorer().features();
        } finally {
            loaded.release();
        }
    }

    @Override
    public Prediction score(Map<String, ?> row) {
        return score(null, row);
    }

    /** Written out rather than through {@link #call}: this is the hot path, and it should not allocate. */
    @Override
    public Prediction score(String requestId, Map<String, ?> row) {
        if (requestId != null) {
            Validation.requestId(requestId);
        }
        LoadedVersion loaded = acquire();
        try {
            if (!loaded.measured() && predictionLog == null) {
                return loaded.scorer().score(row);
            }
            long start = System.nanoTime();
            Prediction prediction;
            try {
                prediction = loaded.scorer().score(row);
            } catch (InvalidArgumentException e) {
                if (loaded.measured()) {
                    loaded.recordFailure(start, true);
                }
                throw e;
            } catch (RuntimeException e) {
                if (loaded.measured()) {
                    loaded.recordFailure(start, false);
                }
                throw e;
            }
            if (loaded.measured()) {
                loaded.recordSuccess(start, 1);
            }
            if (predictionLog != null) {
                predictionLog.offer(loaded.version(), requestId, row, prediction, System.nanoTime() - start);
            }
            return prediction;
        } finally {
            loaded.release();
        }
    }

    @Override
    public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
        return scoreBatch(null, rows);
    }

    @Override
    public List<Prediction> scoreBatch(List<String> requestIds, List<? extends Map<String, ?>> rows) {
        checkRequestIds(requestIds, rows == null ? -1 : rows.size(), "rows");
        return scoreLogged(requestIds, rows == null ? 0 : rows.size(), s -> s.scoreBatch(rows),
                i -> rows.get(i));
    }

    @Override
    public List<Prediction> scoreColumns(FeatureColumns columns) {
        return scoreColumns(null, columns);
    }

    @Override
    public List<Prediction> scoreColumns(List<String> requestIds, FeatureColumns columns) {
        checkRequestIds(requestIds, columns == null ? -1 : columns.rowCount(), "rows in the columns");
        return scoreLogged(requestIds, columns == null ? 0 : columns.rowCount(), s -> s.scoreColumns(columns),
                i -> columns.row(i));
    }

    private static void checkRequestIds(List<String> requestIds, int rows, String what) {
        if (requestIds == null) {
            return;
        }
        if (rows >= 0 && requestIds.size() != rows) {
            throw new InvalidArgumentException("got " + requestIds.size() + " request ids for " + rows + " " + what
                    + "; give one id per row, in the same order");
        }
        for (int i = 0; i < requestIds.size(); i++) {
            try {
                Validation.requestId(requestIds.get(i));
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException("request id " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Scores a batch and, when predictions are logged, offers each row with its prediction. */
    private List<Prediction> scoreLogged(List<String> requestIds, int rows, Function<Scorer, List<Prediction>> body,
            IntFunction<Map<String, ?>> row) {
        if (predictionLog == null) {
            return call(rows, body);
        }
        long start = System.nanoTime();
        ModelVersion[] answeredBy = new ModelVersion[1];
        List<Prediction> predictions = call(rows, s -> {
            answeredBy[0] = s.version();
            return body.apply(s);
        });
        // Each row is logged with the batch's time per row: what it cost the caller on average.
        long perRow = (System.nanoTime() - start) / Math.max(1, predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            predictionLog.offer(answeredBy[0], requestIds == null ? null : requestIds.get(i), row.apply(i),
                    predictions.get(i), perRow);
        }
        return predictions;
    }

    @Override
    public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
        return call(1, s -> s.scoreTensors(inputs));
    }

    /** Does nothing: the server owns this scorer and closes what it loaded. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        LoadedVersion loaded = current.get();
        return "ServedScorer[" + uri + " -> " + (loaded == null ? "closed" : "v" + loaded.version().version()) + "]";
    }
}
