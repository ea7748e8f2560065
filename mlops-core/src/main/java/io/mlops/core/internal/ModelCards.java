package io.mlops.core.internal;

import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Run;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Renders a model card in Markdown from what the registry, the governance records and tracking
 * hold, so the card cannot drift from the facts: nothing in it is typed by hand.
 */
final class ModelCards {

    private ModelCards() {
    }

    static String render(MetadataStore store, RegisteredModel model, ModelVersion v) {
        ModelInventory inventory = store.findInventory(model.name()).orElse(ModelInventory.EMPTY);
        StringBuilder md = new StringBuilder();
        md.append("# Model card: ").append(model.name()).append(" version ").append(v.version()).append("\n\n");
        if (!model.description().isEmpty()) {
            md.append(model.description()).append("\n\n");
        }
        md.append("| | |\n|---|---|\n");
        row(md, "URI", "`" + v.uri() + "`");
        row(md, "Status", v.status().name());
        row(md, "Aliases", aliasesOf(model, v));
        row(md, "Registered by", v.createdBy() + " at " + time(v.creationTime()));
        row(md, "Artifact", "`" + v.artifactKey() + "` (" + v.sizeBytes() + " bytes, flavor " + v.flavor() + ")");
        row(md, "sha256", "`" + v.sha256() + "`");
        if (!v.description().isEmpty()) {
            row(md, "Description", v.description());
        }

        md.append("\n## Inventory (SR 11-7 / SR 26-2)\n\n| | |\n|---|---|\n");
        row(md, "Owner", orMissing(inventory.owner()));
        row(md, "Developers", inventory.developers().isEmpty() ? "_not recorded_" : String.join(", ", inventory.developers()));
        row(md, "Validator", orMissing(inventory.validator()));
        row(md, "Risk tier", inventory.riskTier().name());
        row(md, "Next validation due", inventory.nextValidationDue().map(Object::toString).orElse("_not scheduled_"));
        md.append("\n### Intended use\n\n").append(orMissing(inventory.intendedUse())).append("\n");
        md.append("\n### Known limitations\n\n").append(orMissing(inventory.knownLimitations())).append("\n");

        md.append("\n## Approval history\n\n");
        List<StatusTransition> transitions = store.listTransitions(v.name(), v.version());
        if (transitions.isEmpty()) {
            md.append("_No approval requested yet._\n");
        } else {
            md.append("| when | from | to | by | rationale |\n|---|---|---|---|---|\n");
            for (StatusTransition t : transitions) {
                md.append("| ").append(time(t.time())).append(" | ").append(t.from()).append(" | ").append(t.to())
                        .append(" | ").append(cell(t.principal())).append(" | ").append(cell(t.rationale())).append(" |\n");
            }
        }
        List<AliasChange> aliasMoves = store.listAliasChanges(v.name()).stream()
                .filter(c -> c.toVersion() == v.version() || c.fromVersion() == v.version()).toList();
        if (!aliasMoves.isEmpty()) {
            md.append("\n### Alias changes involving this version\n\n| when | alias | from | to | action | by |\n"
                    + "|---|---|---|---|---|---|\n");
            for (AliasChange c : aliasMoves) {
                md.append("| ").append(time(c.time())).append(" | ").append(c.alias()).append(" | ")
                        .append(c.fromVersion() == 0 ? "—" : c.fromVersion()).append(" | ")
                        .append(c.toVersion() == 0 ? "—" : c.toVersion()).append(" | ")
                        .append(c.action()).append(" | ").append(cell(c.principal())).append(" |\n");
            }
        }

        md.append("\n## Lineage\n\n");
        Optional<Run> run = v.runId().isEmpty() ? Optional.empty() : store.findRun(v.runId());
        if (run.isEmpty()) {
            md.append(v.runId().isEmpty() ? "_Registered without a source run._\n"
                    : "_Source run `" + v.runId() + "` is no longer in the tracking store._\n");
        } else {
            lineage(md, store, run.get());
        }

        md.append("\n## Signature\n\n");
        signature(md, "Inputs", v.signature().inputs());
        signature(md, "Outputs", v.signature().outputs());
        return md.toString();
    }

    private static void lineage(StringBuilder md, MetadataStore store, Run r) {
        String experiment = store.findExperimentById(r.experimentId()).map(Experiment::name).orElse(r.experimentId());
        md.append("| | |\n|---|---|\n");
        row(md, "Run", "`" + r.id() + "` (" + cell(r.name()) + ")");
        row(md, "Experiment", cell(experiment));
        row(md, "Trained by", cell(r.user()) + ", " + r.status() + ", started " + time(r.startTime()));
        Map<String, String> environment = new TreeMap<>();
        r.tags().forEach((k, val) -> {
            if (k.startsWith("mlops.")) {
                environment.put(k, val);
            }
        });
        environment.forEach((k, val) -> row(md, "`" + k + "`", cell(val)));
        if (!r.params().isEmpty()) {
            md.append("\n### Parameters\n\n| name | value |\n|---|---|\n");
            new TreeMap<>(r.params()).forEach((k, val) -> md.append("| ").append(cell(k)).append(" | ").append(cell(val))
                    .append(" |\n"));
        }
        if (!r.latestMetrics().isEmpty()) {
            md.append("\n### Metrics (latest value)\n\n| name | value | step |\n|---|---|---|\n");
            new TreeMap<>(r.latestMetrics()).forEach((k, m) -> md.append("| ").append(cell(k)).append(" | ")
                    .append(m.value()).append(" | ").append(m.step()).append(" |\n"));
        }
        if (!r.inputs().isEmpty()) {
            md.append("\n### Data sets\n\n| context | name | digest | rows | source |\n|---|---|---|---|---|\n");
            for (DatasetInput in : r.inputs()) {
                md.append("| ").append(cell(in.context())).append(" | ").append(cell(in.dataset().name())).append(" | `")
                        .append(in.dataset().digest()).append("` | ")
                        .append(in.dataset().rowCount().isPresent() ? String.valueOf(in.dataset().rowCount().getAsLong()) : "—")
                        .append(" | ").append(cell(in.dataset().source())).append(" |\n");
            }
        }
    }

    private static void signature(StringBuilder md, String title, List<TensorSpec> specs) {
        md.append("**").append(title).append("**: ");
        if (specs.isEmpty()) {
            md.append("_none recorded_\n\n");
            return;
        }
        md.append("\n\n| name | kind | type | shape |\n|---|---|---|---|\n");
        for (TensorSpec s : specs) {
            md.append("| ").append(cell(s.name())).append(" | ").append(s.kind()).append(" | ").append(s.type())
                    .append(" | ").append(s.shape()).append(" |\n");
        }
        md.append("\n");
    }

    private static String aliasesOf(RegisteredModel model, ModelVersion v) {
        List<String> names = model.aliases().entrySet().stream().filter(e -> e.getValue() == v.version())
                .map(Map.Entry::getKey).sorted().toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static void row(StringBuilder md, String key, Object value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static String orMissing(String text) {
        return text == null || text.isBlank() ? "_not recorded_" : text;
    }

    /** Table cells cannot hold pipes or line breaks. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
