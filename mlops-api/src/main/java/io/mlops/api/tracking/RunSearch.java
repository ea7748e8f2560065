package io.mlops.api.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A run search in MLflow's filter language.
 *
 * <pre>{@code
 * RunSearch search = RunSearch.builder(experiment.id())
 *         .filter("metrics.auc > 0.75 AND params.trainer = 'lr'")
 *         .orderBy("metrics.auc DESC")
 *         .pageSize(100)
 *         .build();
 * RunPage page = tracking.searchRuns(search);
 * while (page.nextPageToken().isPresent()) {
 *     page = tracking.searchRuns(search.withPageToken(page.nextPageToken().get()));
 * }
 * }</pre>
 *
 * <h2>Filter</h2>
 * Clauses joined by {@code AND}. Each compares one field with a literal:
 * <ul>
 *   <li>{@code metrics.<key>} (the latest value) with {@code = != > >= < <=} and a number;</li>
 *   <li>{@code params.<key>}, {@code tags.<key>} with {@code = != LIKE ILIKE} and a quoted string,
 *       or {@code IN ('a', 'b')};</li>
 *   <li>{@code attributes.run_id}, {@code run_name}, {@code status}, {@code user} like params;
 *       {@code attributes.start_time}, {@code end_time} like metrics (epoch milliseconds);</li>
 *   <li>{@code datasets.name}, {@code datasets.digest}, {@code datasets.context} like params: a run
 *       matches if one of its inputs does.</li>
 * </ul>
 * A run lacking the metric, param or tag a clause names does not match it. Keys with odd characters
 * go in backticks: {@code metrics.`f1 score`}. Strings are in single or double quotes; a quote
 * inside a string is doubled ({@code 'it''s'}). Keywords ignore case, and MLflow's singular
 * prefixes ({@code metric.}, {@code param.}, {@code tag.}, {@code attribute.} or {@code run.},
 * {@code dataset.}) are accepted too.
 * {@code LIKE} is case-sensitive with {@code %} and {@code _} wildcards; {@code ILIKE} ignores case.
 * In a pattern, {@code \%}, {@code \_} and {@code \\} stand for the character itself; a backslash
 * before anything else is an error. Status values are {@code RUNNING}, {@code FINISHED},
 * {@code FAILED} and {@code KILLED}; times are whole numbers.
 *
 * <h2>Order</h2>
 * Up to several keys such as {@code metrics.auc DESC} or {@code attributes.start_time}; runs missing
 * an order key come last. Ties are broken by start time (newest first), then run id. Metrics and
 * times order as numbers, strings by Unicode code point; data set fields cannot be ordered by,
 * since a run may have several inputs.
 *
 * @param experimentIds experiments to search; at least one
 * @param filter        the filter; empty for all runs
 * @param orderBy       order keys; empty for newest first
 * @param pageSize      1..{@value #MAX_PAGE_SIZE}; default {@value #DEFAULT_PAGE_SIZE}
 * @param pageToken     the token of the previous page, or empty for the first page
 */
public record RunSearch(List<String> experimentIds, String filter, List<String> orderBy, int pageSize,
                        Optional<String> pageToken) {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 10_000;
    /** Most clauses a filter may have. */
    public static final int MAX_CLAUSES = 20;
    /** Most values an {@code IN (...)} list may have. */
    public static final int MAX_IN_VALUES = 500;
    /** Most keys an order may have. */
    public static final int MAX_ORDER_KEYS = 10;
    /** Most experiments one search may cover. */
    public static final int MAX_EXPERIMENTS = 100;

    public RunSearch {
        experimentIds = List.copyOf(Objects.requireNonNull(experimentIds, "experimentIds"));
        filter = filter == null ? "" : filter;
        orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
        pageToken = pageToken == null ? Optional.empty() : pageToken;
    }

    public static Builder builder(String... experimentIds) {
        return new Builder(List.of(experimentIds));
    }

    public static Builder builder(List<String> experimentIds) {
        return new Builder(experimentIds);
    }

    /** The same search at the page a token names. */
    public RunSearch withPageToken(String token) {
        return new RunSearch(experimentIds, filter, orderBy, pageSize, Optional.of(token));
    }

    /** Builds a {@link RunSearch}; not thread-safe. */
    public static final class Builder {
        private final List<String> experimentIds;
        private String filter = "";
        private final List<String> orderBy = new ArrayList<>();
        private int pageSize = DEFAULT_PAGE_SIZE;
        private String pageToken;

        private Builder(List<String> experimentIds) {
            this.experimentIds = experimentIds;
        }

        public Builder filter(String filter) {
            this.filter = filter;
            return this;
        }

        public Builder orderBy(String... keys) {
            orderBy.addAll(List.of(keys));
            return this;
        }

        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        public Builder pageToken(String pageToken) {
            this.pageToken = pageToken;
            return this;
        }

        public RunSearch build() {
            return new RunSearch(experimentIds, filter, orderBy, pageSize, Optional.ofNullable(pageToken));
        }
    }
}
