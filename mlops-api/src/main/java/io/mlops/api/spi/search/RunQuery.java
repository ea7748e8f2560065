package io.mlops.api.spi.search;

import java.util.List;

/**
 * A checked run search for a store: runs of the given experiments matching every comparison,
 * sorted by the order keys and then by start time descending and run id ascending (so the order is
 * total and pages never overlap), skipping {@code offset} and returning at most {@code limit}.
 */
public record RunQuery(List<String> experimentIds, List<Comparison> filter, List<OrderKey> orderBy, int offset, int limit) {
    public RunQuery {
        experimentIds = List.copyOf(experimentIds);
        filter = List.copyOf(filter);
        orderBy = List.copyOf(orderBy);
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset " + offset + " must be >= 0 and limit " + limit + " >= 1");
        }
    }
}
