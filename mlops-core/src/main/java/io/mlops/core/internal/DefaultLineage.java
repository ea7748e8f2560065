package io.mlops.core.internal;

import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.lineage.DatasetLineage;
import io.mlops.api.lineage.Lineage;
import io.mlops.api.lineage.LineageInput;
import io.mlops.api.lineage.VersionLineage;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Run;
import io.mlops.core.internal.environment.Library;
import io.mlops.core.internal.environment.RunEnvironment;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Lineage over the metadata store, with the run environment read from the artifact store. */
final class DefaultLineage implements Lineage {

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final DefaultRegistry registry;
    private final Guard guard;

    DefaultLineage(MetadataStore store, ArtifactStore artifacts, DefaultRegistry registry, Guard guard) {
        this.store = store;
        this.artifacts = artifacts;
        this.registry = registry;
        this.guard = guard;
    }

    @Override
    public VersionLineage ofVersion(String modelName, int version) {
        Validation.modelName(modelName);
        Validation.version(modelName, version);
        guard.require(Permission.READ, "lineage.ofVersion", io.mlops.api.ModelUri.ofVersion(modelName, version).toString());
        return lineageOf(registry.version(modelName, version)).lineage();
    }

    /** A version's lineage, with the run's environment record it was checked against (read once). */
    private record Assembled(VersionLineage lineage, Optional<RunEnvironment> environment) {
    }

    private Assembled lineageOf(ModelVersion v) {
        List<String> gaps = new ArrayList<>();
        Optional<Run> run = v.runId().isEmpty() ? Optional.empty() : store.findRun(v.runId());
        if (v.runId().isEmpty()) {
            gaps.add("the version was registered without a run: nothing records how it was trained");
        } else if (run.isEmpty()) {
            gaps.add("the version names run '" + v.runId() + "', which is not in this store");
        }
        List<Run> parents = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Optional<String> parent = run.flatMap(Run::parentRunId);
        while (parent.isPresent() && seen.add(parent.get())) {
            Optional<Run> p = store.findRun(parent.get());
            if (p.isEmpty()) {
                break;
            }
            parents.add(p.get());
            parent = p.get().parentRunId();
        }
        List<LineageInput> inputs = new ArrayList<>();
        Map<String, String> code = new TreeMap<>();
        Map<String, String> environment = new TreeMap<>();
        Optional<RunEnvironment> recorded = Optional.empty();
        if (run.isPresent()) {
            Run r = run.get();
            for (DatasetInput input : r.inputs()) {
                // By digest alone: the content restores whatever name it was stored under.
                List<DatasetVersion> sameContent = store.findDatasetVersions(input.dataset().digest());
                Optional<DatasetVersion> stored = sameContent.stream()
                        .filter(d -> d.name().equals(input.dataset().name())).findFirst()
                        .or(() -> sameContent.stream().findFirst());
                if (stored.isEmpty()) {
                    gaps.add("dataset '" + input.dataset().name() + "' (" + input.dataset().digest() + ", " + input.context()
                            + ") is recorded by digest only: its content is not in the store and cannot be restored from it");
                }
                inputs.add(new LineageInput(input, stored));
            }
            if (r.inputs().isEmpty()) {
                gaps.add("the run recorded no dataset");
            }
            r.tags().forEach((key, value) -> {
                if (key.startsWith("mlflow.source.git.") || key.startsWith("mlops.git.")) {
                    code.put(key, value);
                } else if (key.startsWith("mlops.env.")) {
                    environment.put(key, value);
                }
            });
            EnvironmentRecord record = environmentOf(r);
            record.problem().ifPresent(gaps::add);
            recorded = record.environment();
            record.environment().flatMap(RunEnvironment::git).ifPresent(git -> {
                // Tags can be edited; the environment artifact is write-once and verified on read.
                String tagged = code.get(RunEnvironment.TAG_GIT_COMMIT);
                if (tagged != null && !tagged.equals(git.commit())) {
                    gaps.add("the run's tag " + RunEnvironment.TAG_GIT_COMMIT + " (" + tagged + ") differs from the commit in its"
                            + " environment record (" + git.commit() + "); the record is the one captured at start");
                }
                String dirty = git.dirty().map(String::valueOf).orElse("unknown");
                if (code.containsKey(RunEnvironment.TAG_GIT_DIRTY) && !dirty.equals(code.get(RunEnvironment.TAG_GIT_DIRTY))) {
                    gaps.add("the run's tag " + RunEnvironment.TAG_GIT_DIRTY + " (" + code.get(RunEnvironment.TAG_GIT_DIRTY)
                            + ") differs from its environment record (" + dirty + ")");
                }
            });
            if (!code.containsKey(RunEnvironment.TAG_GIT_COMMIT)) {
                gaps.add("the run recorded no git commit: the code that trained it is not identified");
            } else if ("true".equals(code.get(RunEnvironment.TAG_GIT_DIRTY))) {
                gaps.add("the working tree had uncommitted changes when the run started: commit "
                        + code.get(RunEnvironment.TAG_GIT_COMMIT) + " alone does not reproduce it");
            } else if (!"false".equals(code.get(RunEnvironment.TAG_GIT_DIRTY))) {
                gaps.add("whether the working tree had uncommitted changes is unknown (git was not available)");
            }
            if (environment.isEmpty()) {
                gaps.add("the run recorded no environment (JVM, OS, libraries)");
            }
        }
        return new Assembled(new VersionLineage(v, run, parents, inputs, code, environment, gaps), recorded);
    }

    @Override
    public DatasetLineage ofDataset(String digest) {
        Validation.datasetDigest(digest);
        guard.require(Permission.READ, "lineage.ofDataset", "datasets:/*@" + digest);
        List<Run> runs = new ArrayList<>();
        List<ModelVersion> versions = new ArrayList<>();
        for (String runId : store.runIdsWithInput(digest)) {
            store.findRun(runId).ifPresent(runs::add);
            versions.addAll(store.listVersionsByRun(runId));
        }
        return new DatasetLineage(digest, store.findDatasetVersions(digest), runs, versions);
    }

    @Override
    public String reproduceReport(String modelName, int version) {
        Validation.modelName(modelName);
        Validation.version(modelName, version);
        guard.require(Permission.READ, "lineage.reproduceReport", io.mlops.api.ModelUri.ofVersion(modelName, version).toString());
        Assembled assembled = lineageOf(registry.version(modelName, version));
        VersionLineage lineage = assembled.lineage();
        ModelVersion v = lineage.version();
        StringBuilder md = new StringBuilder();
        md.append("# Reproducing ").append(v.uri()).append("\n\n");
        md.append("Generated ").append(Instant.ofEpochMilli(guard.clock().millis())).append(" by ")
                .append(guard.principal().name()).append(". Everything below comes from the store; nothing was re-run.\n\n");

        md.append("## Model\n\n");
        row(md, "Artifact", "`" + v.artifactKey() + "`");
        row(md, "sha256", "`" + v.sha256() + "` (" + v.sizeBytes() + " bytes, flavor " + v.flavor() + ")");
        row(md, "Status", v.status().name());
        row(md, "Registered", Instant.ofEpochMilli(v.creationTime()) + " by " + v.createdBy());
        md.append('\n');

        md.append("## What is missing\n\n");
        if (lineage.gaps().isEmpty()) {
            md.append("Nothing: data, code, parameters and environment are all recorded.\n\n");
        } else {
            lineage.gaps().forEach(g -> md.append("- ").append(g).append('\n'));
            md.append('\n');
        }

        if (lineage.run().isPresent()) {
            Run r = lineage.run().get();
            md.append("## Training run\n\n");
            row(md, "Run", "`" + r.id() + "` (" + cell(r.name()) + ")");
            row(md, "Experiment", "`" + r.experimentId() + "`");
            row(md, "By", cell(r.user()));
            row(md, "Started", Instant.ofEpochMilli(r.startTime()).toString());
            row(md, "Status", r.status().name() + r.endTime().stream().mapToObj(t -> ", ended " + Instant.ofEpochMilli(t))
                    .findFirst().orElse(""));
            for (Run p : lineage.parentRuns()) {
                row(md, "Parent run", "`" + p.id() + "` (" + cell(p.name()) + ")");
            }
            md.append('\n');

            md.append("## Code\n\n");
            if (lineage.code().isEmpty()) {
                md.append("Not recorded.\n\n");
            } else {
                lineage.code().forEach((k, value) -> row(md, "`" + k + "`", "`" + cell(value) + "`"));
                md.append('\n');
            }

            md.append("## Environment\n\n");
            lineage.environment().forEach((k, value) -> row(md, "`" + k + "`", cell(value)));
            Optional<RunEnvironment> env = assembled.environment();
            if (env.isPresent()) {
                md.append("\nLibraries on the class path (`")
                        .append(DefaultTracking.artifactPrefix(r.id())).append(DefaultTracking.ENVIRONMENT_ARTIFACT).append("`):\n\n");
                md.append("| library | version |\n|---|---|\n");
                for (Library lib : env.get().libraries()) {
                    md.append("| ").append(cell(lib.group().isEmpty() ? lib.name() : lib.group() + ":" + lib.name()))
                            .append(" | ").append(cell(lib.version())).append(" |\n");
                }
            }
            md.append('\n');

            md.append("## Parameters\n\n");
            if (r.params().isEmpty()) {
                md.append("None recorded.\n\n");
            } else {
                md.append("| param | value |\n|---|---|\n");
                Map<String, String> ordered = new LinkedHashMap<>();
                // Seeds first: without them a rebuild gives other numbers (convention: `seed` or `<component>.seed`).
                new TreeMap<>(r.params()).forEach((k, value) -> {
                    if (k.equals("seed") || k.endsWith(".seed")) {
                        ordered.put(k, value);
                    }
                });
                new TreeMap<>(r.params()).forEach(ordered::putIfAbsent);
                ordered.forEach((k, value) -> md.append("| `").append(cell(k)).append("` | ").append(cell(value)).append(" |\n"));
                md.append('\n');
            }

            md.append("## Data\n\n");
            if (lineage.inputs().isEmpty()) {
                md.append("None recorded.\n\n");
            } else {
                md.append("| role | dataset | digest | rows | restore |\n|---|---|---|---|---|\n");
                for (LineageInput in : lineage.inputs()) {
                    DatasetInput input = in.input();
                    md.append("| ").append(cell(input.context())).append(" | ").append(cell(input.dataset().name()))
                            .append(" | `").append(input.dataset().digest()).append("` | ")
                            .append(input.dataset().rowCount().isPresent() ? String.valueOf(input.dataset().rowCount().getAsLong()) : "—")
                            .append(" | ").append(in.stored().isPresent()
                                    ? "`mlops.datasets().download(\"" + input.dataset().digest() + "\", dir)`"
                                    : "not in the store; source: " + cell(input.dataset().source()))
                            .append(" |\n");
                }
                md.append('\n');
            }

            md.append("## Results to compare against\n\n");
            if (r.latestMetrics().isEmpty()) {
                md.append("No metrics recorded.\n\n");
            } else {
                md.append("| metric | value | step |\n|---|---|---|\n");
                new TreeMap<>(r.latestMetrics()).forEach((k, m) -> md.append("| `").append(cell(k)).append("` | ")
                        .append(m.value()).append(" | ").append(m.step()).append(" |\n"));
                md.append('\n');
            }
        }

        md.append("## Golden set\n\n");
        if (v.tags().containsKey(GoldenSets.TAG_SHA256)) {
            row(md, "Stored at", "`" + GoldenSets.keyOf(v, v.tags().get(GoldenSets.TAG_SHA256)) + "` (sha256 `"
                    + v.tags().get(GoldenSets.TAG_SHA256) + "`)");
            row(md, "Cases", v.tags().get(GoldenSets.TAG_CASES) + ", tolerance " + v.tags().get(GoldenSets.TAG_TOLERANCE));
            row(md, "Last check", cell(v.tags().getOrDefault(GoldenSets.TAG_LAST_CHECK, "never run")));
        } else {
            md.append("None attached: nothing checks that a rebuild gives the same answers.\n");
        }
        md.append('\n');

        md.append("## Steps\n\n");
        int step = 1;
        String commit = lineage.code().get(RunEnvironment.TAG_GIT_COMMIT);
        if (commit != null) {
            md.append(step++).append(". Check out commit `").append(commit).append("`")
                    .append(lineage.code().containsKey(RunEnvironment.TAG_GIT_REPO_URL)
                            ? " of " + lineage.code().get(RunEnvironment.TAG_GIT_REPO_URL) : "").append(".\n");
        }
        if (!lineage.environment().isEmpty()) {
            md.append(step++).append(". Use ").append(cell(lineage.environment().getOrDefault(RunEnvironment.TAG_JAVA, "the same JVM")))
                    .append(" and the library versions above.\n");
        }
        if (!lineage.inputs().isEmpty()) {
            md.append(step++).append(". Restore each dataset by its digest (the download checks every file's sha256).\n");
        }
        md.append(step++).append(". Train with the parameters above, seeds included.\n");
        md.append(step).append(". Compare: the new model's metrics with the results above")
                .append(v.tags().containsKey(GoldenSets.TAG_SHA256) ? ", and its answers with the golden set" : "")
                .append("; the file's sha256 matches only for a bit-identical build.\n");
        return md.toString();
    }

    /** The run's environment artifact, or why it cannot be used. */
    private record EnvironmentRecord(Optional<RunEnvironment> environment, Optional<String> problem) {
    }

    private EnvironmentRecord environmentOf(Run run) {
        String key = DefaultTracking.artifactPrefix(run.id()) + DefaultTracking.ENVIRONMENT_ARTIFACT;
        if (artifacts.stat(key).isEmpty()) {
            return new EnvironmentRecord(Optional.empty(), Optional.empty());
        }
        try (InputStream in = artifacts.open(key)) {
            return new EnvironmentRecord(Optional.of(RunEnvironment.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8))),
                    Optional.empty());
        } catch (IOException | RuntimeException e) {
            return new EnvironmentRecord(Optional.empty(), Optional.of("the run's environment record '" + key
                    + "' cannot be read: " + e.getMessage()));
        }
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("- **").append(name).append("**: ").append(value).append('\n');
    }

    /** Text safe inside a Markdown table cell. */
    private static String cell(String text) {
        return text == null || text.isEmpty() ? "—" : text.replace("|", "\\|").replace("\n", " ");
    }
}
