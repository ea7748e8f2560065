package io.mlops.api.tracking;

import java.util.List;
import java.util.Optional;

/**
 * One page of a run search.
 *
 * @param runs          the runs of this page, in the requested order
 * @param nextPageToken opaque token for the next page; empty on the last page
 */
public record RunPage(List<Run> runs, Optional<String> nextPageToken) {
    public RunPage {
        runs = runs == null ? List.of() : List.copyOf(runs);
        nextPageToken = nextPageToken == null ? Optional.empty() : nextPageToken;
    }
}
