package io.mlops.api.tracking;

/** The lifecycle state of a run, as in MLflow. Only {@link #RUNNING} accepts new data. */
public enum RunStatus {
    RUNNING,
    FINISHED,
    FAILED,
    KILLED;

    /** Whether this is an end state (anything but {@link #RUNNING}). */
    public boolean isTerminal() {
        return this != RUNNING;
    }
}
