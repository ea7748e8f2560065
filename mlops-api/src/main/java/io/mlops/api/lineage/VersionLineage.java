package io.mlops.api.lineage;

import io.mlops.api.registry.ModelVersion;
import io.mlops.api.tracking.Run;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything recorded about how a model version was made.
 *
 * @param version     the model version
 * @param run         the run that produced it; empty when it was registered without one
 * @param parentRuns  the run's ancestors, nearest first
 * @param inputs      the datasets the run used
 * @param code        the git state the run recorded ({@code mlflow.source.git.*}, {@code mlops.git.dirty})
 * @param environment the JVM, OS, host and library count the run recorded ({@code mlops.env.*})
 * @param gaps        what is missing for a rebuild, in words (no run, no commit, uncommitted changes, data
 *                    not in the store…); empty when nothing is
 */
public record VersionLineage(ModelVersion version, Optional<Run> run, List<Run> parentRuns, List<LineageInput> inputs,
        Map<String, String> code, Map<String, String> environment, List<String> gaps) {
    public VersionLineage {
        Objects.requireNonNull(version, "version");
        run = run == null ? Optional.empty() : run;
        parentRuns = List.copyOf(parentRuns);
        inputs = List.copyOf(inputs);
        code = Map.copyOf(code);
        environment = Map.copyOf(environment);
        gaps = List.copyOf(gaps);
    }
}
