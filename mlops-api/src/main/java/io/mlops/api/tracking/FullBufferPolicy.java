package io.mlops.api.tracking;

/** What a {@link BatchedMetricLogger} does when its buffer is full. Neither policy drops points. */
public enum FullBufferPolicy {
    /** The logging thread waits until there is room (default): back-pressure instead of loss. */
    BLOCK,
    /** The call fails at once with {@link io.mlops.api.StoreUnavailableException}; the point is not taken. */
    FAIL
}
