package io.mlops.api.serving;

import io.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a scorer runs a model.
 *
 * <pre>{@code
 * ScorerOptions opts = ScorerOptions.builder().intraOpThreads(2).maxBatchRows(4096).build();
 * }</pre>
 *
 * @param nanPolicy      NaN handling; default {@link NanPolicy#REJECT}
 * @param intraOpThreads threads the runtime may use inside one call; default 1, which suits
 *                       many concurrent callers
 * @param maxBatchRows   largest batch accepted in one call; default 10,000
 */
public record ScorerOptions(NanPolicy nanPolicy, int intraOpThreads, int maxBatchRows) {

    public static final ScorerOptions DEFAULTS = new ScorerOptions(NanPolicy.REJECT, 1, 10_000);

    public ScorerOptions {
        Objects.requireNonNull(nanPolicy, "nanPolicy");
        List<String> problems = new ArrayList<>();
        if (intraOpThreads < 1) {
            problems.add("intraOpThreads " + intraOpThreads + " must be at least 1");
        }
        if (maxBatchRows < 1) {
            problems.add("maxBatchRows " + maxBatchRows + " must be at least 1");
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid scorer options: " + String.join("; ", problems));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ScorerOptions}; not thread-safe. */
    public static final class Builder {
        private NanPolicy nanPolicy = DEFAULTS.nanPolicy();
        private int intraOpThreads = DEFAULTS.intraOpThreads();
        private int maxBatchRows = DEFAULTS.maxBatchRows();

        public Builder nanPolicy(NanPolicy nanPolicy) {
            this.nanPolicy = nanPolicy;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        public Builder maxBatchRows(int rows) {
            this.maxBatchRows = rows;
            return this;
        }

        public ScorerOptions build() {
            return new ScorerOptions(nanPolicy, intraOpThreads, maxBatchRows);
        }
    }
}
