package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.Principal;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.RiskTier;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant.SubjectKind;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Dataset;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The approval workflow, protected aliases, roles and the audit chain, through the public API. */
class GovernanceTest {

    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(TensorSpec.tensor("features", DataType.FLOAT, List.of(-1L, 4L))),
            List.of(TensorSpec.tensor("score", DataType.FLOAT, List.of(-1L))), Map.of());

    static final RoleMapping ROLES = RoleMapping.builder()
            .group("developers", Role.DATA_SCIENTIST)
            .group("validation", Role.VALIDATOR)
            .user("erin", Role.ML_ENGINEER)
            .user("root", Role.ADMIN)
            .build();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    private Mlops mlops;
    private Mlops alice;
    private Mlops victor;
    private Mlops vera;
    private Mlops erin;
    private Mlops root;

    @BeforeEach
    void open() {
        mlops = Mlops.builder().metadata("mem:").artifacts("mem:").clock(clock).roles(ROLES)
                .principal(Principal.of("alice", Set.of("developers"))).build();
        alice = mlops;
        victor = mlops.as(Principal.of("victor", Set.of("validation")));
        vera = mlops.as(Principal.of("vera", Set.of("validation")));
        erin = mlops.as(Principal.of("erin"));
        root = mlops.as(Principal.of("root"));
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    private ModelVersion register(Mlops as, String model) {
        int n = as.registry().findModel(model).map(m -> m.latestVersion() + 1).orElse(1);
        String key = as.artifacts().put("models/" + model + "/" + n + "/model.bin",
                new ByteArrayInputStream(("weights " + n).getBytes(StandardCharsets.UTF_8))).key();
        return as.registry().createVersion(NewModelVersion.builder(model, key).flavor("custom").signature(SIGNATURE).build());
    }

    private List<AuditEntry> audit() {
        return root.governance().audit().entries(1, 10_000);
    }

    private AuditEntry lastAudit() {
        List<AuditEntry> all = audit();
        return all.get(all.size() - 1);
    }

    @Test
    void theWholePath_dataScientistRequests_anotherPersonApproves_thenChampionMoves() {
        ModelVersion v1 = register(alice, "credit-risk");
        assertThat(v1.status()).isEqualTo(ModelVersionStatus.NEW);

        clock.advance(Duration.ofMinutes(1));
        ModelVersion pending = alice.governance().requestApproval("credit-risk", 1, "AUC 0.81 on the 2026-Q3 holdout");
        assertThat(pending.status()).isEqualTo(ModelVersionStatus.PENDING_APPROVAL);

        clock.advance(Duration.ofMinutes(1));
        ModelVersion approved = victor.governance().approve("credit-risk", 1, "Validation report VR-2026-114");
        assertThat(approved.status()).isEqualTo(ModelVersionStatus.APPROVED);

        victor.registry().setAlias("credit-risk", "champion", 1);
        assertThat(alice.registry().resolve("models:/credit-risk@champion").version()).isEqualTo(1);

        List<StatusTransition> history = alice.governance().transitions("credit-risk", 1);
        assertThat(history).extracting(StatusTransition::from, StatusTransition::to, StatusTransition::principal,
                        StatusTransition::rationale)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL,
                                "alice", "AUC 0.81 on the 2026-Q3 holdout"),
                        org.assertj.core.groups.Tuple.tuple(ModelVersionStatus.PENDING_APPROVAL,
                                ModelVersionStatus.APPROVED, "victor", "Validation report VR-2026-114"));
        assertThat(history.get(1).time() - history.get(0).time()).isEqualTo(60_000);

        assertThat(alice.governance().aliasHistory("credit-risk")).singleElement().satisfies(c -> {
            assertThat(c.alias()).isEqualTo("champion");
            assertThat(c.fromVersion()).isZero();
            assertThat(c.toVersion()).isEqualTo(1);
            assertThat(c.principal()).isEqualTo("victor");
            assertThat(c.action()).isEqualTo(AliasAction.SET);
        });
        assertThat(audit()).extracting(AuditEntry::action).containsSubsequence("registry.createVersion",
                "governance.requestApproval", "governance.approve", "registry.setAlias");
        assertThat(root.governance().audit().verify().intact()).isTrue();
    }

    @Test
    void selfApproval_isRefusedWithItsReason_andTheRefusalIsAudited() {
        Mlops both = mlops.as(Principal.of("sam", Set.of("developers", "validation")));
        register(both, "m");
        both.governance().requestApproval("m", 1, "ready");

        assertThatThrownBy(() -> both.governance().approve("m", 1, "looks fine to me"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("four-eyes")
                .hasMessageContaining("sam registered models:/m/1");

        assertThat(both.registry().getVersion("m", 1).status()).isEqualTo(ModelVersionStatus.PENDING_APPROVAL);
        AuditEntry denied = lastAudit();
        assertThat(denied.outcome()).isEqualTo(AuditOutcome.DENIED);
        assertThat(denied.principal()).isEqualTo("sam");
        assertThat(denied.action()).isEqualTo("governance.approve");
        assertThat(denied.target()).isEqualTo("models:/m/1");
        assertThat(denied.summary()).contains("four-eyes");
    }

    @Test
    void theRequester_mayNotApprove_evenIfSomeoneElseRegistered() {
        register(alice, "m");
        Mlops requester = mlops.as(Principal.of("rita", Set.of("developers", "validation")));
        requester.governance().requestApproval("m", 1, "please");

        assertThatThrownBy(() -> requester.governance().approve("m", 1, "ok"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("rita requested the approval of models:/m/1");
        assertThatThrownBy(() -> requester.governance().reject("m", 1, "no"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("four-eyes");
    }

    @Test
    void aValidatorListedAsDeveloper_mayNotApprove() {
        register(alice, "m");
        alice.governance().setInventory("m", ModelInventory.builder().owner("retail-credit")
                .developers(List.of("alice", "victor")).build());
        alice.governance().requestApproval("m", 1, "ready");

        assertThatThrownBy(() -> victor.governance().approve("m", 1, "ok"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("victor is listed as a developer of model 'm'");
        assertThat(vera.governance().approve("m", 1, "independent review").status())
                .isEqualTo(ModelVersionStatus.APPROVED);
    }

    @Test
    void approving_needsTheValidatorRole_andAPendingVersion() {
        register(alice, "m");
        assertThatThrownBy(() -> victor.governance().approve("m", 1, "ok"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("models:/m/1 is NEW")
                .hasMessageContaining("PENDING_APPROVAL");
        alice.governance().requestApproval("m", 1, "ready");

        assertThatThrownBy(() -> erin.governance().approve("m", 1, "ok"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("erin (roles [ML_ENGINEER]) may not governance.approve models:/m/1")
                .hasMessageContaining("[VALIDATOR]");
        assertThatThrownBy(() -> victor.governance().requestApproval("m", 1, "again"))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void everyTransition_needsARationale() {
        register(alice, "m");
        for (String blank : new String[] {null, "", "   "}) {
            assertThatThrownBy(() -> alice.governance().requestApproval("m", 1, blank))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("rationale");
        }
        assertThat(alice.registry().getVersion("m", 1).status()).isEqualTo(ModelVersionStatus.NEW);
    }

    @Test
    void protectedAliases_pointOnlyAtApprovedVersions_andOnlyValidatorsMoveThem() {
        register(alice, "m");
        erin.registry().setAlias("m", "staging", 1);

        assertThatThrownBy(() -> erin.registry().setAlias("m", "champion", 1))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("needs one of the roles [VALIDATOR]");
        assertThatThrownBy(() -> victor.registry().setAlias("m", "champion", 1))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("protected alias 'champion' may point only at an APPROVED version")
                .hasMessageContaining("models:/m/1 is NEW");
        assertThat(alice.registry().getModel("m").aliases()).containsOnlyKeys("staging");

        alice.governance().requestApproval("m", 1, "ready");
        victor.governance().approve("m", 1, "validated");
        victor.registry().setAlias("m", "production", 1);
        assertThat(erin.registry().resolve("models:/m@production").version()).isEqualTo(1);
        assertThatThrownBy(() -> erin.registry().deleteAlias("m", "production"))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void rollback_movesTheAliasBackToTheEarlierApprovedVersion_asARecordedAction() {
        for (int v = 1; v <= 3; v++) {
            register(alice, "m");
        }
        for (int v : new int[] {1, 3}) {
            alice.governance().requestApproval("m", v, "ready");
            victor.governance().approve("m", v, "validated");
        }
        victor.registry().setAlias("m", "champion", 1);
        victor.registry().setAlias("m", "champion", 3);

        AliasChange back = victor.governance().rollback("m", "champion", "v3 misbehaves on November data");

        assertThat(back.fromVersion()).isEqualTo(3);
        assertThat(back.toVersion()).isEqualTo(1);
        assertThat(back.action()).isEqualTo(AliasAction.ROLLBACK);
        assertThat(alice.registry().resolve("models:/m@champion").version()).isEqualTo(1);
        assertThat(alice.governance().aliasHistory("m")).extracting(AliasChange::toVersion).containsExactly(1, 3, 1);
        assertThat(lastAudit().action()).isEqualTo("governance.rollback");
        assertThat(lastAudit().summary()).contains("November data");
    }

    @Test
    void rollback_skipsVersionsArchivedSince_andRefusesWhenNoneIsLeft() {
        register(alice, "m");
        register(alice, "m");
        for (int v = 1; v <= 2; v++) {
            alice.governance().requestApproval("m", v, "ready");
            victor.governance().approve("m", v, "validated");
        }
        victor.registry().setAlias("m", "champion", 1);
        victor.registry().setAlias("m", "champion", 2);
        victor.governance().archive("m", 1, "superseded");

        assertThatThrownBy(() -> victor.governance().rollback("m", "champion", "trouble"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("no earlier APPROVED version")
                .hasMessageContaining("[1]");
        assertThat(alice.registry().resolve("models:/m@champion").version()).isEqualTo(2);
    }

    @Test
    void archiving_isRefusedWhileAProtectedAliasPointsAtTheVersion() {
        register(alice, "m");
        alice.governance().requestApproval("m", 1, "ready");
        victor.governance().approve("m", 1, "validated");
        victor.registry().setAlias("m", "champion", 1);

        assertThatThrownBy(() -> root.governance().archive("m", 1, "retire"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("champion");
        victor.registry().deleteAlias("m", "champion");
        assertThat(root.governance().archive("m", 1, "retire").status()).isEqualTo(ModelVersionStatus.ARCHIVED);
        assertThatThrownBy(() -> alice.governance().requestApproval("m", 1, "again"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("ARCHIVED");
    }

    @Test
    void twoValidatorsDecidingAtOnce_oneWins_theOtherIsAConflict() throws Exception {
        register(alice, "m");
        alice.governance().requestApproval("m", 1, "ready");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> approve = pool.submit(() -> {
                start.await();
                return victor.governance().approve("m", 1, "yes");
            });
            Future<Object> reject = pool.submit(() -> {
                start.await();
                return vera.governance().reject("m", 1, "no");
            });
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : List.of(approve, reject)) {
                try {
                    outcomes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            assertThat(outcomes).filteredOn(o -> o instanceof ModelVersion).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o instanceof ConflictException).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(alice.governance().transitions("m", 1)).hasSize(2);
        assertThat(root.governance().audit().verify().intact()).isTrue();
    }

    @Test
    void roles_grantedByAnAdmin_takeEffect_butNotForThemselves() {
        register(alice, "m");
        alice.governance().requestApproval("m", 1, "ready");
        Mlops bob = mlops.as(Principal.of("bob"));
        assertThatThrownBy(() -> bob.governance().approve("m", 1, "ok")).isInstanceOf(PermissionDeniedException.class);

        root.governance().grantRole(SubjectKind.USER, "bob", Role.VALIDATOR);
        assertThat(root.governance().rolesOf(Principal.of("bob"))).contains(Role.VALIDATOR);
        assertThat(bob.governance().approve("m", 1, "ok").status()).isEqualTo(ModelVersionStatus.APPROVED);

        assertThatThrownBy(() -> root.governance().grantRole(SubjectKind.USER, "root", Role.VALIDATOR))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("includes themselves");
        assertThatThrownBy(() -> alice.governance().grantRole(SubjectKind.USER, "alice", Role.ADMIN))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("[ADMIN]");
        assertThat(root.governance().revokeRole(SubjectKind.USER, "bob", Role.VALIDATOR)).isTrue();
        assertThat(root.governance().rolesOf(Principal.of("bob"))).doesNotContain(Role.VALIDATOR);
        assertThat(root.governance().roleGrants()).isEmpty();
    }

    @Test
    void theAuditLog_isReadableOnlyByValidatorsAndAdmins_andAnchorsToAnArtifact() {
        register(alice, "m");
        assertThatThrownBy(() -> alice.governance().audit().verify()).isInstanceOf(PermissionDeniedException.class);

        var anchor = root.governance().audit().anchor("audit/anchors/a1.json");
        assertThat(anchor.seq()).isPositive();
        assertThat(root.governance().audit().readAnchor("audit/anchors/a1.json")).isEqualTo(anchor);
        register(alice, "m");
        assertThat(victor.governance().audit().verify(anchor).intact()).isTrue();
        assertThat(victor.governance().audit().head().seq()).isGreaterThan(anchor.seq());

        List<AuditEntry> entries = audit();
        for (int i = 0; i < entries.size(); i++) {
            assertThat(entries.get(i).seq()).isEqualTo(i + 1);
            assertThat(entries.get(i).previousHash())
                    .isEqualTo(i == 0 ? AuditEntry.GENESIS_HASH : entries.get(i - 1).hash());
        }
        assertThat(entries).extracting(AuditEntry::requestId).doesNotHaveDuplicates();
    }

    @Test
    void theModelCard_isBuiltFromRegistryLineageAndInventory() {
        String runId;
        try (ActiveRun run = alice.tracking().startRun("credit")) {
            run.logParam("trainer", "logistic-regression").logMetric("auc", 0.7568);
            run.logInput(new Dataset("bank-marketing", "sha256:" + "ab".repeat(32), "data/bank.csv",
                    OptionalLong.of(45211), List.of()), "training");
            runId = run.id();
            run.finish();
        }
        String key = alice.artifacts().put("models/credit/1/model.bin", new ByteArrayInputStream(new byte[] {1, 2}))
                .key();
        alice.registry().createVersion(NewModelVersion.builder("credit", key).flavor("custom").signature(SIGNATURE)
                .runId(runId).build());
        alice.governance().setInventory("credit", ModelInventory.builder().owner("head-of-retail-credit")
                .developers(List.of("alice")).validator("victor").riskTier(RiskTier.TIER_1)
                .intendedUse("Term-deposit propensity for outbound campaigns")
                .knownLimitations("Not for credit decisions | not validated on 2027 data")
                .nextValidationDue(LocalDate.of(2027, 6, 30)).build());
        alice.governance().requestApproval("credit", 1, "AUC 0.7568");
        victor.governance().approve("credit", 1, "VR-2026-114");
        victor.registry().setAlias("credit", "champion", 1);

        String card = victor.governance().modelCard("credit", 1);

        assertThat(card).startsWith("# Model card: credit version 1")
                .contains("| Status | APPROVED |")
                .contains("| Aliases | champion |")
                .contains("| Owner | head-of-retail-credit |")
                .contains("| Risk tier | TIER_1 |")
                .contains("| Next validation due | 2027-06-30 |")
                .contains("Not for credit decisions | not validated on 2027 data")
                .contains("| PENDING_APPROVAL | APPROVED | victor | VR-2026-114 |")
                .contains("`" + runId + "`")
                .contains("| trainer | logistic-regression |")
                .contains("| auc | 0.7568 |")
                .contains("| training | bank-marketing | `sha256:" + "ab".repeat(32) + "` | 45211 |")
                .contains("| features | TENSOR | FLOAT | [-1, 4] |");
    }

    @Test
    void runChanges_areAudited_metricPointsCountedAtTheEnd_aBatchedLoggerOnceForAllItsPoints() {
        String runId;
        try (ActiveRun run = alice.tracking().startRun("exp")) {
            run.logParam("trainer", "lr").logParam("trainer", "lr").setTag("team", "retail").logMetric("auc", 0.8);
            try (var logger = alice.tracking().batchedLogger(run.id(), io.mlops.api.tracking.BatchingOptions.DEFAULTS)) {
                for (int step = 0; step < 1_000; step++) {
                    logger.logMetric("loss", 1.0 / (step + 1), step);
                }
            }
            runId = run.id();
            run.finish();
        }

        List<AuditEntry> runEntries = audit().stream().filter(e -> e.target().equals("runs:/" + runId)).toList();
        assertThat(runEntries).extracting(AuditEntry::action).containsExactly("tracking.startRun", "tracking.logParam",
                "tracking.setTag", "tracking.batchedLogger", "tracking.endRun");
        assertThat(runEntries.get(runEntries.size() - 1).summary()).contains("\"metricPoints\":1");
    }

    @Test
    void ungoverned_allowsEverything_butStillKeepsAliasHistory() {
        try (Mlops open = Mlops.builder().metadata("mem:").artifacts("mem:").ungoverned()
                .principal(Principal.of("solo")).build()) {
            register(open, "m");
            open.registry().setAlias("m", "champion", 1);
            open.registry().setAlias("m", "champion", 1);
            assertThat(open.governance().aliasHistory("m")).hasSize(2);
            assertThat(open.governance().audit().entries(1, 100)).extracting(AuditEntry::action)
                    .containsOnly("registry.setAlias");
        }
        assertThatThrownBy(() -> Mlops.builder().metadata("mem:").artifacts("mem:").ungoverned().roles(ROLES).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no effect");
    }

    @Test
    void defaults_letOnePersonTrackAndRegister_butNobodyApproves() {
        try (Mlops local = Mlops.builder().metadata("mem:").artifacts("mem:").principal(Principal.of("ana")).build()) {
            register(local, "m");
            local.governance().requestApproval("m", 1, "ready");
            local.registry().setAlias("m", "staging", 1);
            assertThatThrownBy(() -> local.governance().approve("m", 1, "mine"))
                    .isInstanceOf(PermissionDeniedException.class);
            assertThatThrownBy(() -> local.registry().setAlias("m", "champion", 1))
                    .isInstanceOf(PermissionDeniedException.class);
            assertThat(local.governance().protectedAliases()).containsExactlyInAnyOrder("champion", "production");
        }
    }
}
