package io.mlops.core.internal.search;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.spi.TrackingStore;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.OrderKey;
import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunPage;
import io.mlops.api.tracking.RunSearch;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a {@link RunSearch} against a {@link TrackingStore}: checks and parses it, turns its page
 * token into an offset, and asks the store for one row more than a page to learn whether another
 * page follows. Stateless and thread-safe.
 */
public final class RunSearches {

    private RunSearches() {
    }

    public static RunPage search(TrackingStore store, RunSearch search) {
        Objects.requireNonNull(search, "run search");
        List<String> experimentIds = experiments(store, search.experimentIds());
        int pageSize = search.pageSize();
        if (pageSize < 1 || pageSize > RunSearch.MAX_PAGE_SIZE) {
            throw new InvalidArgumentException("page size " + pageSize + " is invalid: expected 1-" + RunSearch.MAX_PAGE_SIZE
                    + " (default " + RunSearch.DEFAULT_PAGE_SIZE + ")");
        }
        List<Comparison> filter = SearchParser.parseFilter(search.filter());
        List<OrderKey> order = SearchParser.parseOrderBy(search.orderBy());
        String fingerprint = PageTokens.fingerprint(experimentIds, filter, order, pageSize);
        int offset = search.pageToken().map(t -> PageTokens.decode(t, fingerprint, pageSize)).orElse(0);

        List<Run> rows = store.searchRuns(new RunQuery(experimentIds, filter, order, offset, pageSize + 1));
        if (rows.size() <= pageSize) {
            return new RunPage(rows, Optional.empty());
        }
        // A next offset beyond int range cannot be requested; the runs up to there are all a caller gets.
        long next = (long) offset + pageSize;
        Optional<String> token = next > Integer.MAX_VALUE - RunSearch.MAX_PAGE_SIZE - 1
                ? Optional.empty() : Optional.of(PageTokens.encode((int) next, fingerprint));
        return new RunPage(rows.subList(0, pageSize), token);
    }

    /** Parses a filter alone; for callers that evaluate it themselves, such as tests. */
    public static List<Comparison> parseFilter(String filter) {
        return SearchParser.parseFilter(Objects.requireNonNull(filter, "filter"));
    }

    /** Parses order keys alone. */
    public static List<OrderKey> parseOrderBy(List<String> keys) {
        return SearchParser.parseOrderBy(Objects.requireNonNull(keys, "order keys"));
    }

    private static List<String> experiments(TrackingStore store, List<String> given) {
        if (given.isEmpty()) {
            throw new InvalidArgumentException("a run search needs at least one experiment id");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String id : given) {
            ids.add(Objects.requireNonNull(id, "experiment id"));
        }
        if (ids.size() > RunSearch.MAX_EXPERIMENTS) {
            throw new InvalidArgumentException("a run search covers at most " + RunSearch.MAX_EXPERIMENTS
                    + " experiments; got " + ids.size());
        }
        for (String id : ids) {
            if (store.findExperimentById(id).isEmpty()) {
                throw new NotFoundException("experiment with id '" + id + "' does not exist; a run search needs"
                        + " existing experiment ids");
            }
        }
        return List.copyOf(ids);
    }
}
