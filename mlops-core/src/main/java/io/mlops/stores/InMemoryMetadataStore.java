package io.mlops.stores;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import io.mlops.core.internal.search.InMemoryRunSearch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tracking and registry metadata in the JVM's heap, for unit tests and quick work in JShell;
 * everything is lost when the JVM exits. Thread-safe: every method holds one lock, which keeps
 * the semantics obviously atomic at the cost of concurrency.
 *
 * <pre>{@code
 * Mlops mlops = Mlops.builder().metadata(new InMemoryMetadataStore()).artifacts(new InMemoryArtifactStore()).build();
 * }</pre>
 */
public final class InMemoryMetadataStore implements MetadataStore {

    private static final Comparator<Metric> HISTORY_ORDER = Metric.HISTORY_ORDER;
    private static final Comparator<Metric> LATEST_ORDER = Metric.LATEST_ORDER;

    private static final class RunState {
        Run run;
        final Map<String, String> params = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, List<Metric>> metrics = new HashMap<>();
        /** Every stored point, as its identity: see {@link #logMetrics}. */
        final Set<Metric> metricIds = new HashSet<>();
        final Map<String, Metric> latest = new HashMap<>();
        final LinkedHashSet<DatasetInput> inputs = new LinkedHashSet<>();

        Run snapshot() {
            return new Run(run.id(), run.experimentId(), run.name(), run.parentRunId(), run.status(), run.startTime(),
                    run.endTime(), run.user(), params, tags, latest, List.copyOf(inputs));
        }
    }

    private static final class ModelState {
        RegisteredModel model;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, Integer> aliases = new TreeMap<>();
        final List<ModelVersion> versions = new ArrayList<>();

        RegisteredModel snapshot() {
            return new RegisteredModel(model.name(), model.description(), tags, aliases, versions.size(),
                    model.creationTime(), model.lastUpdatedTime());
        }
    }

    private final Map<String, Experiment> experimentsById = new LinkedHashMap<>();
    private final Map<String, RunState> runs = new HashMap<>();
    private final Map<String, ModelState> models = new TreeMap<>();
    private boolean closed;

    @Override
    public synchronized String description() {
        return "in-memory metadata store";
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the in-memory metadata store has been closed");
        }
    }

    // ---- tracking

    @Override
    public synchronized Experiment createExperiment(String id, String name, Map<String, String> tags, long creationTime) {
        checkOpen();
        if (experimentsById.containsKey(id)) {
            throw new AlreadyExistsException("experiment id '" + id + "' already exists");
        }
        if (findExperimentByName(name).isPresent()) {
            throw new AlreadyExistsException("experiment '" + name + "' already exists");
        }
        Experiment experiment = new Experiment(id, name, tags, creationTime);
        experimentsById.put(id, experiment);
        return experiment;
    }

    @Override
    public synchronized Optional<Experiment> findExperimentById(String id) {
        checkOpen();
        return Optional.ofNullable(experimentsById.get(id));
    }

    @Override
    public synchronized Optional<Experiment> findExperimentByName(String name) {
        checkOpen();
        return experimentsById.values().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    @Override
    public synchronized List<Experiment> listExperiments() {
        checkOpen();
        return experimentsById.values().stream()
                .sorted(Comparator.comparingLong(Experiment::creationTime).thenComparing(Experiment::id))
                .toList();
    }

    @Override
    public synchronized void setExperimentTag(String experimentId, String key, String value) {
        Experiment e = experiment(experimentId);
        Map<String, String> tags = new LinkedHashMap<>(e.tags());
        tags.put(key, value);
        experimentsById.put(experimentId, new Experiment(e.id(), e.name(), tags, e.creationTime()));
    }

    @Override
    public synchronized void createRun(Run run) {
        experiment(run.experimentId());
        if (runs.containsKey(run.id())) {
            throw new AlreadyExistsException("run '" + run.id() + "' already exists");
        }
        RunState state = new RunState();
        state.run = run;
        state.tags.putAll(run.tags());
        runs.put(run.id(), state);
    }

    @Override
    public synchronized Optional<Run> findRun(String runId) {
        checkOpen();
        RunState state = runs.get(runId);
        return state == null ? Optional.empty() : Optional.of(state.snapshot());
    }

    @Override
    public synchronized List<Run> listRuns(String experimentId) {
        checkOpen();
        return runs.values().stream()
                .filter(s -> s.run.experimentId().equals(experimentId))
                .map(RunState::snapshot)
                .sorted(Comparator.comparingLong(Run::startTime).reversed().thenComparing(Run::id))
                .toList();
    }

    @Override
    public synchronized boolean endRun(String runId, RunStatus status, long endTime) {
        RunState state = run(runId);
        if (state.run.status() != RunStatus.RUNNING) {
            return false;
        }
        Run r = state.run;
        state.run = new Run(r.id(), r.experimentId(), r.name(), r.parentRunId(), status, r.startTime(),
                OptionalLong.of(endTime), r.user(), Map.of(), Map.of(), Map.of(), List.of());
        return true;
    }

    @Override
    public synchronized Optional<String> putParamIfAbsent(String runId, String key, String value) {
        return Optional.ofNullable(run(runId).params.putIfAbsent(key, value));
    }

    @Override
    public synchronized void logMetrics(String runId, List<Metric> metrics) {
        RunState state = run(runId);
        for (Metric m : metrics) {
            // Records compare doubles bit-wise; the SQL stores compare numerically, where -0.0 = 0.0.
            Metric id = m.value() == 0.0 ? new Metric(m.key(), 0.0, m.step(), m.timestamp()) : m;
            if (!state.metricIds.add(id)) {
                continue;
            }
            state.metrics.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
            state.latest.merge(m.key(), m, (old, now) -> LATEST_ORDER.compare(now, old) >= 0 ? now : old);
        }
    }

    @Override
    public synchronized List<Metric> metricHistory(String runId, String key) {
        checkOpen();
        RunState state = runs.get(runId);
        if (state == null) {
            return List.of();
        }
        List<Metric> history = new ArrayList<>(state.metrics.getOrDefault(key, List.of()));
        history.sort(HISTORY_ORDER);
        return history;
    }

    @Override
    public synchronized void setRunTag(String runId, String key, String value) {
        run(runId).tags.put(key, value);
    }

    @Override
    public synchronized List<Run> searchRuns(RunQuery query) {
        checkOpen();
        return InMemoryRunSearch.search(runs.values().stream().map(RunState::snapshot).toList(), query);
    }

    @Override
    public synchronized void logInputs(String runId, List<DatasetInput> inputs) {
        run(runId).inputs.addAll(inputs);
    }

    private Experiment experiment(String id) {
        checkOpen();
        Experiment e = experimentsById.get(id);
        if (e == null) {
            throw new NotFoundException("experiment '" + id + "' does not exist");
        }
        return e;
    }

    private RunState run(String id) {
        checkOpen();
        RunState state = runs.get(id);
        if (state == null) {
            throw new NotFoundException("run '" + id + "' does not exist");
        }
        return state;
    }

    // ---- registry

    @Override
    public synchronized RegisteredModel createModel(String name, String description, Map<String, String> tags, long creationTime) {
        checkOpen();
        if (models.containsKey(name)) {
            throw new AlreadyExistsException("registered model '" + name + "' already exists");
        }
        ModelState state = new ModelState();
        state.model = new RegisteredModel(name, description, tags, Map.of(), 0, creationTime, creationTime);
        state.tags.putAll(tags);
        models.put(name, state);
        return state.snapshot();
    }

    @Override
    public synchronized Optional<RegisteredModel> findModel(String name) {
        checkOpen();
        ModelState state = models.get(name);
        return state == null ? Optional.empty() : Optional.of(state.snapshot());
    }

    @Override
    public synchronized List<RegisteredModel> listModels() {
        checkOpen();
        return models.values().stream().map(ModelState::snapshot).toList();
    }

    @Override
    public synchronized RegisteredModel updateModelDescription(String name, String description, long updateTime) {
        ModelState state = model(name);
        RegisteredModel m = state.model;
        state.model = new RegisteredModel(m.name(), description, Map.of(), Map.of(), 0, m.creationTime(), updateTime);
        return state.snapshot();
    }

    @Override
    public synchronized void setModelTag(String name, String key, String value, long updateTime) {
        ModelState state = model(name);
        state.tags.put(key, value);
        touch(state, updateTime);
    }

    @Override
    public synchronized ModelVersion createVersion(ModelVersion draft) {
        ModelState state = model(draft.name());
        ModelVersion stored = new ModelVersion(draft.name(), state.versions.size() + 1, draft.runId(), draft.artifactKey(),
                draft.sha256(), draft.sizeBytes(), draft.flavor(), draft.signature(), draft.description(), draft.tags(),
                draft.status(), draft.createdBy(), draft.creationTime());
        state.versions.add(stored);
        touch(state, draft.creationTime());
        return stored;
    }

    @Override
    public synchronized Optional<ModelVersion> findVersion(String name, int version) {
        checkOpen();
        ModelState state = models.get(name);
        if (state == null || version < 1 || version > state.versions.size()) {
            return Optional.empty();
        }
        return Optional.of(state.versions.get(version - 1));
    }

    @Override
    public synchronized List<ModelVersion> listVersions(String name) {
        checkOpen();
        ModelState state = models.get(name);
        return state == null ? List.of() : List.copyOf(state.versions);
    }

    @Override
    public synchronized void setVersionTag(String name, int version, String key, String value) {
        ModelVersion v = version(name, version);
        Map<String, String> tags = new LinkedHashMap<>(v.tags());
        tags.put(key, value);
        models.get(name).versions.set(version - 1, new ModelVersion(v.name(), v.version(), v.runId(), v.artifactKey(),
                v.sha256(), v.sizeBytes(), v.flavor(), v.signature(), v.description(), tags, v.status(), v.createdBy(),
                v.creationTime()));
    }

    @Override
    public synchronized void setAlias(String name, String alias, int version, long updateTime) {
        version(name, version);
        ModelState state = models.get(name);
        state.aliases.put(alias, version);
        touch(state, updateTime);
    }

    @Override
    public synchronized boolean deleteAlias(String name, String alias, long updateTime) {
        ModelState state = model(name);
        boolean existed = state.aliases.remove(alias) != null;
        if (existed) {
            touch(state, updateTime);
        }
        return existed;
    }

    private ModelState model(String name) {
        checkOpen();
        ModelState state = models.get(name);
        if (state == null) {
            throw new NotFoundException("registered model '" + name + "' does not exist");
        }
        return state;
    }

    private ModelVersion version(String name, int version) {
        ModelState state = model(name);
        if (version < 1 || version > state.versions.size()) {
            throw new NotFoundException("version " + version + " of model '" + name + "' does not exist; it has versions 1.."
                    + state.versions.size());
        }
        return state.versions.get(version - 1);
    }

    private static void touch(ModelState state, long updateTime) {
        RegisteredModel m = state.model;
        state.model = new RegisteredModel(m.name(), m.description(), Map.of(), Map.of(), 0, m.creationTime(), updateTime);
    }
}
