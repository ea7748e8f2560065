package io.mlops.api.monitoring;

import java.util.Objects;

/**
 * One bin of a feature's distribution, as a share of its non-missing values in the baseline and in
 * the window: what a report's chart draws.
 *
 * @param bin      the bin's label: a range such as {@code (29.0, 33.0]} or a category
 * @param baseline share of the baseline's values in the bin, 0 to 1
 * @param window   share of the window's values in the bin, 0 to 1
 */
public record BinShare(String bin, double baseline, double window) {

    public BinShare {
        Objects.requireNonNull(bin, "bin");
    }
}
