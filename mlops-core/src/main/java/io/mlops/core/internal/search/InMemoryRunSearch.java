package io.mlops.core.internal.search;

import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.tracking.Run;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** A {@link RunQuery} evaluated over runs held in memory, with {@link RunFilter} and {@link RunOrdering}. */
public final class InMemoryRunSearch {

    private InMemoryRunSearch() {
    }

    /** The runs of {@code candidates} the query selects, in its order, after its offset and within its limit. */
    public static List<Run> search(Collection<Run> candidates, RunQuery query) {
        Set<String> experiments = Set.copyOf(query.experimentIds());
        return candidates.stream()
                .filter(run -> experiments.contains(run.experimentId()))
                .filter(RunFilter.of(query.filter()))
                .sorted(RunOrdering.of(query.orderBy()))
                .skip(query.offset())
                .limit(query.limit())
                .toList();
    }
}
