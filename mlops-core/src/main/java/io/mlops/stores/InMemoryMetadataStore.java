package io.mlops.stores;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.spi.PredictionLogEntry;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.RegistryStore.VersionAudit;
import io.mlops.api.spi.StatusChange;
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
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Tracking, registry and governance metadata in the JVM's heap, for unit tests and quick work in JShell;
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
        final List<AliasChange> aliasHistory = new ArrayList<>();
        /** Status changes by version number, oldest first. */
        final Map<Integer, List<StatusTransition>> transitions = new HashMap<>();
        /** Who moved each version to PENDING_APPROVAL, by version number: the four-eyes rule's requester. */
        final Map<Integer, String> requesters = new HashMap<>();
        ModelInventory inventory;

        RegisteredModel snapshot() {
            return new RegisteredModel(model.name(), model.description(), tags, aliases, versions.size(),
                    model.creationTime(), model.lastUpdatedTime());
        }
    }

    private final Map<String, Experiment> experimentsById = new LinkedHashMap<>();
    private final Map<String, RunState> runs = new HashMap<>();
    private final Map<String, ModelState> models = new TreeMap<>();
    private final Map<GrantKey, RoleGrant> grants = new TreeMap<>(GrantKey.ORDER);
    private final List<AuditEntry> auditLog = new ArrayList<>();
    /** Oldest first. */
    private final List<DatasetVersion> datasetVersions = new ArrayList<>();
    private final List<PredictionLogEntry> predictions = new ArrayList<>();
    /** Labels by model, then request id. */
    private final Map<String, Map<String, RecordedLabel>> labels = new HashMap<>();

    private record RecordedLabel(String label, long recordedAt) {
    }
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

    @Override
    public synchronized DatasetVersion saveDatasetVersion(DatasetVersion version) {
        checkOpen();
        for (DatasetVersion stored : datasetVersions) {
            if (stored.name().equals(version.name()) && stored.digest().equals(version.digest())) {
                return stored;
            }
        }
        datasetVersions.add(version);
        return version;
    }

    @Override
    public synchronized List<DatasetVersion> findDatasetVersions(String digest) {
        checkOpen();
        return datasetVersions.stream().filter(v -> v.digest().equals(digest)).toList();
    }

    @Override
    public synchronized List<DatasetVersion> listDatasetVersions(String name) {
        checkOpen();
        return datasetVersions.stream().filter(v -> v.name().equals(name))
                .sorted(Comparator.comparingLong(DatasetVersion::creationTime).reversed()
                        .thenComparing(DatasetVersion::digest))
                .toList();
    }

    @Override
    public synchronized List<String> runIdsWithInput(String digest) {
        checkOpen();
        return runs.values().stream()
                .filter(state -> state.inputs.stream().anyMatch(input -> input.dataset().digest().equals(digest)))
                .map(state -> state.run)
                .sorted(Comparator.comparingLong(Run::startTime).thenComparing(Run::id))
                .map(Run::id)
                .toList();
    }

    // ---- prediction log

    @Override
    public synchronized void appendPredictions(List<PredictionLogEntry> entries) {
        checkOpen();
        for (PredictionLogEntry entry : entries) {
            predictions.add(entry.withLabel(Optional.empty()));
        }
    }

    @Override
    public synchronized Optional<String> saveLabelIfAbsent(String model, String requestId, String label, long recordedAt) {
        checkOpen();
        RecordedLabel existing = labels.computeIfAbsent(model, m -> new HashMap<>())
                .putIfAbsent(requestId, new RecordedLabel(label, recordedAt));
        return existing == null ? Optional.empty() : Optional.of(existing.label());
    }

    @Override
    public void scanPredictions(String model, int version, long from, long toExclusive, Predicate<PredictionLogEntry> sink) {
        List<PredictionLogEntry> selected;
        // Copied under the lock and handed out without it, so that a sink may call back into the store.
        synchronized (this) {
            checkOpen();
            Map<String, RecordedLabel> modelLabels = labels.getOrDefault(model, Map.of());
            selected = predictions.stream()
                    .filter(p -> p.model().equals(model) && p.version() == version && p.loggedAt() >= from && p.loggedAt() < toExclusive)
                    .sorted(Comparator.comparingLong(PredictionLogEntry::loggedAt))
                    .map(p -> p.withLabel(Optional.ofNullable(modelLabels.get(p.requestId())).map(RecordedLabel::label)))
                    .toList();
        }
        for (PredictionLogEntry entry : selected) {
            if (!sink.test(entry)) {
                return;
            }
        }
    }

    @Override
    public synchronized long deletePredictionsBefore(String model, long before) {
        checkOpen();
        int sizeBefore = predictions.size();
        predictions.removeIf(p -> p.model().equals(model) && p.loggedAt() < before);
        Map<String, RecordedLabel> modelLabels = labels.get(model);
        if (modelLabels != null) {
            Set<String> referenced = new HashSet<>();
            predictions.stream().filter(p -> p.model().equals(model)).forEach(p -> referenced.add(p.requestId()));
            modelLabels.entrySet().removeIf(e -> e.getValue().recordedAt() < before && !referenced.contains(e.getKey()));
        }
        return sizeBefore - predictions.size();
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
    public synchronized ModelVersion createVersion(ModelVersion draft, VersionAudit audit) {
        ModelState state = model(draft.name());
        ModelVersion stored = new ModelVersion(draft.name(), state.versions.size() + 1, draft.runId(), draft.artifactKey(),
                draft.sha256(), draft.sizeBytes(), draft.flavor(), draft.signature(), draft.description(), draft.tags(),
                draft.status(), draft.createdBy(), draft.creationTime());
        // Built before anything changes: if core's half throws, neither the version nor the entry exists.
        AuditEntry entry = audit == null ? null : nextAuditEntry(Objects.requireNonNull(audit.appenderFor(stored),
                "the version audit returned no appender for " + stored.uri()));

        state.versions.add(stored);
        touch(state, draft.creationTime());
        if (entry != null) {
            auditLog.add(entry);
        }
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
    public synchronized List<ModelVersion> listVersionsByRun(String runId) {
        checkOpen();
        // models is a TreeMap and versions are in number order: the promised order comes for free.
        return models.values().stream().flatMap(state -> state.versions.stream())
                .filter(v -> v.runId().equals(runId))
                .toList();
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

    // ---- governance

    /** What identifies a role grant; ordered by the names, as the SQL stores order their columns. */
    private record GrantKey(RoleGrant.SubjectKind kind, String subject, Role role) {
        static final Comparator<GrantKey> ORDER = Comparator.<GrantKey, String>comparing(k -> k.kind().name())
                .thenComparing(GrantKey::subject)
                .thenComparing(k -> k.role().name());
    }

    @Override
    public synchronized ModelVersion changeStatus(StatusChange change, AuditAppender audit) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(audit, "audit");
        ModelVersion current = version(change.name(), change.version());
        ModelState state = models.get(change.name());
        String what = "version " + change.version() + " of model '" + change.name() + "'";
        if (current.status() != change.from()) {
            throw new ConflictException(what + " is " + current.status() + ", not " + change.from()
                    + " as expected for the change to " + change.to()
                    + "; another writer changed it first: read it again and decide again");
        }
        if (change.to() == ModelVersionStatus.ARCHIVED) {
            for (Map.Entry<String, Integer> alias : state.aliases.entrySet()) {
                if (alias.getValue() == change.version() && change.blockingAliases().contains(alias.getKey())) {
                    throw new ConflictException("cannot archive " + what + ": alias '" + alias.getKey()
                            + "' points at it; move or delete the alias first");
                }
            }
        }
        if (change.to() == ModelVersionStatus.APPROVED || change.to() == ModelVersionStatus.REJECTED) {
            String decider = change.principal();
            if (decider.equals(current.createdBy())) {
                throw new PermissionDeniedException("four-eyes rule: '" + decider + "' created " + what
                        + " and may not move it to " + change.to() + "; a different principal must decide");
            }
            if (decider.equals(state.requesters.get(change.version()))) {
                throw new PermissionDeniedException("four-eyes rule: '" + decider + "' requested approval of " + what
                        + " and may not move it to " + change.to() + "; a different principal must decide");
            }
        }
        AuditEntry entry = nextAuditEntry(audit);

        ModelVersion updated = withStatus(current, change.to());
        state.versions.set(change.version() - 1, updated);
        if (change.to() == ModelVersionStatus.PENDING_APPROVAL) {
            state.requesters.put(change.version(), change.principal());
        }
        state.transitions.computeIfAbsent(change.version(), v -> new ArrayList<>()).add(new StatusTransition(
                change.name(), change.version(), change.from(), change.to(), change.principal(), change.time(),
                change.rationale()));
        auditLog.add(entry);
        return updated;
    }

    @Override
    public synchronized List<StatusTransition> listTransitions(String name, int version) {
        checkOpen();
        ModelState state = models.get(name);
        return state == null ? List.of() : List.copyOf(state.transitions.getOrDefault(version, List.of()));
    }

    @Override
    public synchronized void changeAlias(AliasUpdate update, AuditAppender audit) {
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(audit, "audit");
        AliasChange change = update.change();
        ModelState state = model(change.name());
        Integer current = state.aliases.get(change.alias());
        int currentVersion = current == null ? 0 : current;
        if (currentVersion != update.expectedFrom()) {
            throw new ConflictException("alias '" + change.alias() + "' of model '" + change.name() + "' "
                    + aliasState(currentVersion) + ", not " + aliasState(update.expectedFrom())
                    + " as expected; another writer moved it first: read it again and decide again");
        }
        if (change.toVersion() != 0) {
            ModelVersion target = version(change.name(), change.toVersion());
            if (update.requiredStatus().isPresent() && target.status() != update.requiredStatus().get()) {
                throw new ConflictException("alias '" + change.alias() + "' of model '" + change.name()
                        + "' may only point at a " + update.requiredStatus().get() + " version, and version "
                        + change.toVersion() + " is " + target.status());
            }
        }
        AuditEntry entry = nextAuditEntry(audit);

        if (change.toVersion() == 0) {
            state.aliases.remove(change.alias());
        } else {
            state.aliases.put(change.alias(), change.toVersion());
        }
        state.aliasHistory.add(change);
        touch(state, change.time());
        auditLog.add(entry);
    }

    private static String aliasState(int version) {
        return version == 0 ? "does not exist" : "points at version " + version;
    }

    @Override
    public synchronized List<AliasChange> listAliasChanges(String name) {
        checkOpen();
        ModelState state = models.get(name);
        return state == null ? List.of() : List.copyOf(state.aliasHistory);
    }

    @Override
    public synchronized void putInventory(String name, ModelInventory inventory, long updateTime, AuditAppender audit) {
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(audit, "audit");
        ModelState state = model(name);
        AuditEntry entry = nextAuditEntry(audit);

        state.inventory = inventory;
        touch(state, updateTime);
        auditLog.add(entry);
    }

    @Override
    public synchronized Optional<ModelInventory> findInventory(String name) {
        checkOpen();
        ModelState state = models.get(name);
        return state == null ? Optional.empty() : Optional.ofNullable(state.inventory);
    }

    @Override
    public synchronized void grantRole(RoleGrant grant, AuditAppender audit) {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(audit, "audit");
        checkOpen();
        AuditEntry entry = nextAuditEntry(audit);

        grants.put(new GrantKey(grant.subjectKind(), grant.subject(), grant.role()), grant);
        auditLog.add(entry);
    }

    @Override
    public synchronized boolean revokeRole(RoleGrant.SubjectKind kind, String subject, Role role, AuditAppender audit) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(audit, "audit");
        checkOpen();
        AuditEntry entry = nextAuditEntry(audit);

        boolean existed = grants.remove(new GrantKey(kind, subject, role)) != null;
        auditLog.add(entry);
        return existed;
    }

    @Override
    public synchronized List<RoleGrant> listRoleGrants() {
        checkOpen();
        return List.copyOf(grants.values());
    }

    @Override
    public synchronized AuditEntry appendAudit(AuditAppender audit) {
        Objects.requireNonNull(audit, "audit");
        checkOpen();
        AuditEntry entry = nextAuditEntry(audit);
        auditLog.add(entry);
        return entry;
    }

    @Override
    public synchronized List<AuditEntry> readAudit(long fromSeq, int limit) {
        checkOpen();
        if (limit < 0) {
            throw new InvalidArgumentException("audit read limit must be 0 or more, got " + limit);
        }
        // Entry seq n sits at index n - 1: the log has no gaps.
        long start = Math.max(fromSeq, 1L) - 1L;
        if (start >= auditLog.size()) {
            return List.of();
        }
        int end = (int) Math.min(auditLog.size(), start + limit);
        return List.copyOf(auditLog.subList((int) start, end));
    }

    @Override
    public synchronized Optional<AuditEntry> lastAudit() {
        checkOpen();
        return auditLog.isEmpty() ? Optional.empty() : Optional.of(auditLog.get(auditLog.size() - 1));
    }

    /**
     * Calls core's half of the append for the next position. Callers validate everything before and
     * add the entry together with their change after, all under the store's lock, so a failure at any
     * point leaves neither behind.
     */
    private AuditEntry nextAuditEntry(AuditAppender audit) {
        long seq = auditLog.size() + 1L;
        String previousHash = auditLog.isEmpty() ? AuditEntry.GENESIS_HASH : auditLog.get(auditLog.size() - 1).hash();
        AuditEntry entry = audit.next(seq, previousHash);
        if (entry == null || entry.seq() != seq || !entry.previousHash().equals(previousHash)) {
            throw new IntegrityException("the audit appender returned "
                    + (entry == null ? "null" : "seq " + entry.seq() + " after hash " + entry.previousHash())
                    + " when asked for seq " + seq + " after hash " + previousHash
                    + "; it must build the entry for exactly that position");
        }
        return entry;
    }

    private static ModelVersion withStatus(ModelVersion v, ModelVersionStatus status) {
        return new ModelVersion(v.name(), v.version(), v.runId(), v.artifactKey(), v.sha256(), v.sizeBytes(), v.flavor(),
                v.signature(), v.description(), v.tags(), status, v.createdBy(), v.creationTime());
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
