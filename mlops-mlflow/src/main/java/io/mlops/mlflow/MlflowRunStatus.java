package io.mlops.mlflow;

import io.mlops.api.InvalidArgumentException;
import java.util.Locale;

/**
 * The state of an MLflow run, as MLflow's file store records it in a run's {@code meta.yaml}.
 *
 * <p>MLflow writes the status as the number of its protobuf enum ({@code status: 3}); hand-made or
 * converted stores sometimes carry the name instead, so {@link #parse(String)} accepts both.
 *
 * <pre>{@code
 * MlflowRunStatus s = MlflowRunStatus.parse("3");        // FINISHED
 * MlflowRunStatus t = MlflowRunStatus.parse("failed");   // FAILED
 * int code = MlflowRunStatus.KILLED.code();             // 5
 * }</pre>
 */
public enum MlflowRunStatus {
    RUNNING(1),
    SCHEDULED(2),
    FINISHED(3),
    FAILED(4),
    KILLED(5);

    private static final String VALID =
            "valid are 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED (by number or by name)";

    private final int code;

    MlflowRunStatus(int code) {
        this.code = code;
    }

    /** The number MLflow stores for this status. */
    public int code() {
        return code;
    }

    /**
     * The status MLflow stores as {@code code}.
     *
     * @throws InvalidArgumentException if no status has that number
     */
    public static MlflowRunStatus fromCode(int code) {
        for (MlflowRunStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new InvalidArgumentException("run status " + code + " is not an MLflow run status; " + VALID);
    }

    /**
     * The status written as its number ({@code "3"}) or its name in any case ({@code "FINISHED"},
     * {@code "finished"}); surrounding white space is ignored.
     *
     * @throws InvalidArgumentException if the text is neither
     */
    public static MlflowRunStatus parse(String text) {
        if (text == null) {
            throw new InvalidArgumentException("run status is missing; " + VALID);
        }
        String trimmed = text.strip();
        if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            for (MlflowRunStatus status : values()) {
                if (trimmed.equals(Integer.toString(status.code))) {
                    return status;
                }
            }
            throw new InvalidArgumentException("run status '" + text + "' is not an MLflow run status; " + VALID);
        }
        try {
            return valueOf(trimmed.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("run status '" + text + "' is not an MLflow run status; " + VALID, e);
        }
    }
}
