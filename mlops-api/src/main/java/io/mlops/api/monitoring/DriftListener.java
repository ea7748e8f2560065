package io.mlops.api.monitoring;

/**
 * Told when a monitored model version's drift severity changes, including back to
 * {@link DriftSeverity#NONE}. Called on the monitor's thread: hand slow work (paging, tickets) to
 * your own executor. An exception thrown here is logged and does not stop monitoring.
 *
 * <pre>{@code
 * DriftListener pager = (report, previous) -> {
 *     if (report.severity() == DriftSeverity.ALERT) {
 *         pagerDuty.trigger(report.summary());
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface DriftListener {

    /**
     * @param report   the check that changed the severity
     * @param previous the severity of the check before (NONE for the first check)
     */
    void onSeverityChange(DriftReport report, DriftSeverity previous);
}
