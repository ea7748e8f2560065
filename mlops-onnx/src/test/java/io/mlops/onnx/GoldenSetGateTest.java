package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.ConflictException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.Principal;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.GoldenCase;
import io.mlops.api.registry.GoldenSet;
import io.mlops.api.registry.GoldenSetCheck;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.stores.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The known-data gate: a protected alias moves only to a version that reproduces its golden set. */
class GoldenSetGateTest {

    private static final String MODEL = "scaler";
    private final InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
    private Mlops dana;
    private Mlops victor;

    @BeforeEach
    void open() {
        dana = Mlops.builder().metadata("mem:").artifacts(artifacts).principal(Principal.of("dana"))
                .roles(RoleMapping.builder().user("dana", Role.DATA_SCIENTIST).user("victor", Role.VALIDATOR).build())
                .captureEnvironment(false).build();
        victor = dana.as(Principal.of("victor"));
    }

    @AfterEach
    void close() {
        dana.close();
    }

    private ModelVersion register(float factor) {
        String key = "models/scale-" + factor + "-" + System.nanoTime() + ".onnx";
        artifacts.put(key, new ByteArrayInputStream(ScalingModel.times(factor)));
        return dana.registry().createVersion(NewModelVersion.builder(MODEL, key).build());
    }

    /** What the model said on known inputs when it was built: y = 2x. */
    private static GoldenSet doubling(double tolerance) {
        return new GoldenSet(tolerance, List.of(
                new GoldenCase(Map.of("x", 1.5), Optional.empty(), Map.of(), List.of(3.0)),
                new GoldenCase(Map.of("x", -4), Optional.empty(), Map.of(), List.of(-8.0))));
    }

    private void approve(ModelVersion v) {
        dana.governance().requestApproval(MODEL, v.version(), "golden set attached");
        victor.governance().approve(MODEL, v.version(), "reviewed");
    }

    @Test
    void setAlias_versionReproducingItsGoldenSet_movesAndRecordsThePass() {
        ModelVersion v = register(2f);
        dana.registry().attachGoldenSet(MODEL, v.version(), doubling(1e-6));
        approve(v);

        victor.registry().setAlias(MODEL, "champion", v.version());

        assertThat(dana.registry().getModel(MODEL).aliases()).containsEntry("champion", v.version());
        assertThat(dana.registry().getVersion(MODEL, v.version()).tags().get("mlops.golden.last_check"))
                .startsWith("passed: 2 cases, 0 failed").contains("by victor");
        List<AuditEntry> audit = victor.governance().audit().entries(1, 1000);
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("governance.checkGoldenSet");
            assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCEEDED);
            assertThat(e.principal()).isEqualTo("victor");
        });
    }

    @Test
    void setAlias_versionWhoseOutputsDiffer_isRefusedNamingTheCase_andTheAliasStays() {
        ModelVersion good = register(2f);
        dana.registry().attachGoldenSet(MODEL, good.version(), doubling(1e-6));
        approve(good);
        victor.registry().setAlias(MODEL, "champion", good.version());
        // A retrained version that answers differently, carrying the set it was supposed to reproduce.
        ModelVersion drifted = register(2.001f);
        dana.registry().attachGoldenSet(MODEL, drifted.version(), doubling(1e-6));
        approve(drifted);

        assertThatThrownBy(() -> victor.registry().setAlias(MODEL, "champion", drifted.version()))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("golden set FAILED: 2 cases, 2 failed")
                .hasMessageContaining("case 1 value 0: expected 3.0");

        assertThat(dana.registry().getModel(MODEL).aliases()).containsEntry("champion", good.version());
        assertThat(dana.registry().getVersion(MODEL, drifted.version()).tags().get("mlops.golden.last_check"))
                .startsWith("FAILED");
        assertThat(victor.governance().audit().entries(1, 1000)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("registry.setAlias");
            assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
        });
    }

    @Test
    void checkGoldenSet_withinTolerance_passes_andReportsTheLargestDifference() {
        ModelVersion v = register(2.001f);
        dana.registry().attachGoldenSet(MODEL, v.version(), doubling(0.01));

        GoldenSetCheck check = dana.governance().checkGoldenSet(MODEL, v.version());

        assertThat(check.passed()).isTrue();
        assertThat(check.maxDifference()).isBetween(0.0039, 0.0041);
        assertThat(check.checkedBy()).isEqualTo("dana");
    }

    @Test
    void goldenSet_fromTheScorersOwnAnswers_roundTripsThroughTheStore() {
        ModelVersion v = register(3f);
        Prediction said;
        try (Scorer scorer = dana.scorer(v.uri().toString())) {
            said = scorer.score(Map.of("x", 0.25));
        }
        GoldenSet set = new GoldenSet(0, List.of(GoldenCase.of(Map.of("x", 0.25), said)));
        dana.registry().attachGoldenSet(MODEL, v.version(), set);

        assertThat(dana.registry().goldenSet(MODEL, v.version())).contains(set);
        assertThat(dana.governance().checkGoldenSet(MODEL, v.version()).passed()).isTrue();
    }

    @Test
    void attachGoldenSet_again_whileNew_replacesIt() {
        ModelVersion v = register(2f);
        dana.registry().attachGoldenSet(MODEL, v.version(), doubling(1e-6));

        dana.registry().attachGoldenSet(MODEL, v.version(), doubling(0.5));

        assertThat(dana.registry().goldenSet(MODEL, v.version())).map(GoldenSet::tolerance).contains(0.5);
    }

    @Test
    void goldenSet_isFixedOnceApprovalIsRequested_andItsTagsCannotBeSetByHand() {
        ModelVersion v = register(2f);
        dana.registry().attachGoldenSet(MODEL, v.version(), doubling(1e-6));
        dana.governance().requestApproval(MODEL, v.version(), "ready");

        assertThatThrownBy(() -> dana.registry().attachGoldenSet(MODEL, v.version(), doubling(1)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("PENDING_APPROVAL");
        assertThatThrownBy(() -> dana.registry().setVersionTag(MODEL, v.version(), "mlops.golden.sha256", "0".repeat(64)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("reserved");
    }

    @Test
    void goldenSet_replacedBehindTheRegistrysBack_isAnIntegrityError_andBlocksTheAlias() {
        ModelVersion v = register(2f);
        ModelVersion pinned = dana.registry().attachGoldenSet(MODEL, v.version(), doubling(1e-6));
        approve(v);
        // Someone with store access swaps in an easier set (the store's own record is rewritten with it).
        artifacts.delete(pinned.tags().get("mlops.golden.key"));
        artifacts.put(pinned.tags().get("mlops.golden.key"), new ByteArrayInputStream(
                "{\"format\":1,\"tolerance\":1.0,\"cases\":[{\"input\":{\"x\":0},\"values\":[0.0]}]}".getBytes()));

        assertThatThrownBy(() -> victor.registry().setAlias(MODEL, "champion", v.version()))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("was pinned with sha256");
        assertThat(dana.registry().getModel(MODEL).aliases()).doesNotContainKey("champion");
    }

    @Test
    void versionWithoutGoldenSet_movesAsBefore_andCheckingItIsNotFound() {
        ModelVersion v = register(2f);
        approve(v);

        victor.registry().setAlias(MODEL, "champion", v.version());

        assertThat(dana.registry().goldenSet(MODEL, v.version())).isEmpty();
        assertThatThrownBy(() -> victor.governance().checkGoldenSet(MODEL, v.version()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("has no golden set");
    }
}
