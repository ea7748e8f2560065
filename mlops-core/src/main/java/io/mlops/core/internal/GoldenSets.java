package io.mlops.core.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.IntegrityException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.registry.GoldenCase;
import io.mlops.api.registry.GoldenSet;
import io.mlops.api.registry.GoldenSetCheck;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Golden sets: their stored form (JSON in the artifact store, pinned on the version by sha256) and
 * the check that scores a version on its set.
 */
final class GoldenSets {

    static final String TAG_PREFIX = "mlops.golden.";
    static final String TAG_KEY = TAG_PREFIX + "key";
    static final String TAG_SHA256 = TAG_PREFIX + "sha256";
    static final String TAG_CASES = TAG_PREFIX + "cases";
    static final String TAG_TOLERANCE = TAG_PREFIX + "tolerance";
    static final String TAG_LAST_CHECK = TAG_PREFIX + "last_check";
    private static final int MAX_REPORTED_FAILURES = 10;

    private final ArtifactStore artifacts;
    /** Loads a version's verified bytes into a scorer, without authorization (the caller has checked). */
    private final Function<ModelVersion, Scorer> loader;

    GoldenSets(ArtifactStore artifacts, Function<ModelVersion, Scorer> loader) {
        this.artifacts = artifacts;
        this.loader = loader;
    }

    /** Named by content: artifacts are write-once, and a NEW version may have its set replaced. */
    static String keyOf(ModelVersion version, String sha256) {
        return PinnedEvidence.keyOf(version, "golden-set", sha256);
    }

    /** Stores the set; returns the tags that pin it. */
    Map<String, String> store(ModelVersion version, GoldenSet set) {
        String sha = PinnedEvidence.write(artifacts, version, "golden-set", toJson(set));
        // Order matters: the sha256 tag alone pins the set (the key derives from it), so it is written
        // after the descriptive tags, and a re-attach that breaks off leaves the previous set pinned.
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_KEY, keyOf(version, sha));
        tags.put(TAG_CASES, Integer.toString(set.cases().size()));
        tags.put(TAG_TOLERANCE, Double.toString(set.tolerance()));
        tags.put(TAG_LAST_CHECK, "not run since this set was attached");
        tags.put(TAG_SHA256, sha);
        return tags;
    }

    Optional<GoldenSet> load(ModelVersion version) {
        return PinnedEvidence.read(artifacts, version, TAG_SHA256, "golden-set", "golden set").map(bytes -> fromJson(bytes, version));
    }

    /** Scores every case; never throws for a case that fails, only for a version that cannot be loaded. */
    GoldenSetCheck check(ModelVersion version, GoldenSet set, String principal, long now) {
        int failed = 0;
        double maxDifference = 0;
        List<String> failures = new ArrayList<>();
        try (Scorer scorer = loader.apply(version)) {
            for (int i = 0; i < set.cases().size(); i++) {
                GoldenCase c = set.cases().get(i);
                String problem;
                try {
                    Prediction p = scorer.score(c.input());
                    Comparison comparison = compare(c, p, set.tolerance());
                    maxDifference = Math.max(maxDifference, comparison.maxDifference());
                    problem = comparison.problem();
                } catch (RuntimeException e) {
                    problem = "cannot be scored: " + e.getMessage();
                }
                if (problem != null) {
                    failed++;
                    if (failures.size() < MAX_REPORTED_FAILURES) {
                        failures.add("case " + (i + 1) + " " + problem);
                    }
                }
            }
        }
        return new GoldenSetCheck(version.name(), version.version(), failed == 0, set.cases().size(), failed,
                maxDifference, set.tolerance(), failures, principal, now);
    }

    private record Comparison(String problem, double maxDifference) {
    }

    private static Comparison compare(GoldenCase expected, Prediction actual, double tolerance) {
        double max = 0;
        String problem = null;
        if (expected.label().isPresent() && !expected.label().equals(actual.label())) {
            problem = "label: expected '" + expected.label().get() + "', got " + actual.label().map(l -> "'" + l + "'").orElse("none");
        }
        for (Map.Entry<String, Double> e : expected.probabilities().entrySet()) {
            Double got = actual.probabilities().get(e.getKey());
            if (got == null) {
                problem = problem != null ? problem : "probability of '" + e.getKey() + "': the model has no such class "
                        + actual.probabilities().keySet();
                continue;
            }
            double difference = Math.abs(got - e.getValue());
            max = Math.max(max, difference);
            if (!(difference <= tolerance) && problem == null) {
                problem = "probability of '" + e.getKey() + "': expected " + e.getValue() + ", got " + got
                        + " (difference " + difference + ")";
            }
        }
        if (!expected.values().isEmpty() && expected.values().size() != actual.values().size()) {
            problem = problem != null ? problem : "values: expected " + expected.values().size() + ", got " + actual.values().size();
        } else {
            for (int i = 0; i < expected.values().size(); i++) {
                double difference = Math.abs(actual.values().get(i) - expected.values().get(i));
                max = Math.max(max, difference);
                if (!(difference <= tolerance) && problem == null) {
                    problem = "value " + i + ": expected " + expected.values().get(i) + ", got " + actual.values().get(i);
                }
            }
        }
        return new Comparison(problem, max);
    }

    static byte[] toJson(GoldenSet set) {
        ObjectNode root = StoredFormats.mapper().createObjectNode();
        root.put("format", StoredFormats.FORMAT_VERSION);
        root.put("tolerance", set.tolerance());
        ArrayNode cases = root.putArray("cases");
        for (GoldenCase c : set.cases()) {
            ObjectNode n = cases.addObject();
            n.set("input", StoredFormats.mapper().valueToTree(c.input()));
            c.label().ifPresent(l -> n.put("label", l));
            if (!c.probabilities().isEmpty()) {
                // Pairs keep the model's class order, which an object would not promise.
                ArrayNode probabilities = n.putArray("probabilities");
                c.probabilities().forEach((k, v) -> probabilities.addArray().add(k).add(v));
            }
            if (!c.values().isEmpty()) {
                ArrayNode values = n.putArray("values");
                c.values().forEach(values::add);
            }
        }
        try {
            return StoredFormats.mapper().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a golden set", e);
        }
    }

    static GoldenSet fromJson(byte[] bytes, ModelVersion version) {
        try {
            JsonNode root = StoredFormats.mapper().readTree(bytes);
            if (root.path("format").asInt() != StoredFormats.FORMAT_VERSION) {
                throw new IntegrityException("the golden set of " + version.uri() + " has format " + root.path("format")
                        + "; this release reads format " + StoredFormats.FORMAT_VERSION);
            }
            List<GoldenCase> cases = new ArrayList<>();
            for (JsonNode n : root.path("cases")) {
                Map<String, Object> input = StoredFormats.mapper().convertValue(n.path("input"),
                        new TypeReference<LinkedHashMap<String, Object>>() { });
                Map<String, Double> probabilities = new LinkedHashMap<>();
                n.path("probabilities").forEach(pair -> probabilities.put(pair.get(0).asText(), pair.get(1).asDouble()));
                List<Double> values = new ArrayList<>();
                n.path("values").forEach(v -> values.add(v.asDouble()));
                cases.add(new GoldenCase(input, n.has("label") ? Optional.of(n.get("label").asText()) : Optional.empty(),
                        probabilities, values));
            }
            return new GoldenSet(root.path("tolerance").asDouble(), cases);
        } catch (IOException | IllegalArgumentException e) {
            throw new IntegrityException("the golden set of " + version.uri() + " cannot be read: " + e.getMessage(), e);
        }
    }
}
