package io.mlops.api.tracking;

/**
 * The work done inside {@link Tracking#run(RunSpec, RunBody)}.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface RunBody<T> {
    T apply(ActiveRun run) throws Exception;
}
