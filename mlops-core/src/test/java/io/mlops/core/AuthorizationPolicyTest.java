package io.mlops.core;

import static io.mlops.api.governance.Role.ADMIN;
import static io.mlops.api.governance.Role.DATA_SCIENTIST;
import static io.mlops.api.governance.Role.ML_ENGINEER;
import static io.mlops.api.governance.Role.VALIDATOR;
import static io.mlops.api.governance.Role.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.ModelUri;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.data.Datasets;
import io.mlops.api.lineage.Lineage;
import io.mlops.api.registry.GoldenCase;
import io.mlops.api.monitoring.DataProfile;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureKind;
import io.mlops.api.monitoring.Monitoring;
import io.mlops.api.registry.GoldenSet;
import io.mlops.core.internal.monitoring.SketchProfiler;
import java.time.Instant;
import io.mlops.api.governance.AuditAnchor;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditLog;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.Governance;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant.SubjectKind;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.Registry;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.BatchedMetricLogger;
import io.mlops.api.tracking.BatchingOptions;
import io.mlops.api.tracking.RunSearch;
import io.mlops.api.tracking.RunSpec;
import io.mlops.api.tracking.Tracking;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization policy as a table: every public operation of the API, the roles it allows,
 * and a call that exercises it. The table is checked against the API by reflection, so an
 * operation added without a rule fails the build; then every operation is called as every role
 * and must be refused (with a DENIED audit entry) exactly when the table says so.
 */
class AuthorizationPolicyTest {

    private static final Set<Role> EVERYONE = EnumSet.allOf(Role.class);
    private static final Set<Role> DATA_SCIENTISTS = EnumSet.of(DATA_SCIENTIST);
    private static final Set<Role> VALIDATORS = EnumSet.of(VALIDATOR);
    private static final Set<Role> AUDITORS = EnumSet.of(VALIDATOR, ADMIN);

    /** Operations on the handles authorization hands out: checked once when the handle is obtained. */
    private static final List<Class<?>> HANDLES = List.of(ActiveRun.class, BatchedMetricLogger.class, Scorer.class);

    private static final List<Class<?>> GOVERNED = List.of(Mlops.class, Tracking.class, Datasets.class, Lineage.class,
            Registry.class, Monitoring.class,
            Governance.class, AuditLog.class, ArtifactStore.class);

    @FunctionalInterface
    interface Call {
        void run(Mlops as, Fixture f) throws Exception;
    }

    record Rule(Set<Role> allowed, Call call) {
    }

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    private static void rule(String operation, Set<Role> allowed, Call call) {
        if (RULES.put(operation, new Rule(allowed, call)) != null) {
            throw new IllegalStateException("two rules for " + operation);
        }
    }

    static {
        rule("Mlops#tracking()", EVERYONE, (m, f) -> m.tracking());
        rule("Mlops#datasets()", EVERYONE, (m, f) -> m.datasets());
        rule("Mlops#lineage()", EVERYONE, (m, f) -> m.lineage());
        rule("Lineage#ofVersion(String,int)", EVERYONE, (m, f) -> m.lineage().ofVersion("m", 3));
        rule("Lineage#ofDataset(String)", EVERYONE, (m, f) -> m.lineage().ofDataset(f.datasetDigest));
        rule("Lineage#reproduceReport(String,int)", EVERYONE, (m, f) -> m.lineage().reproduceReport("m", 3));
        rule("Mlops#registry()", EVERYONE, (m, f) -> m.registry());
        rule("Mlops#artifacts()", EVERYONE, (m, f) -> m.artifacts());
        rule("Mlops#governance()", EVERYONE, (m, f) -> m.governance());
        rule("Mlops#principal()", EVERYONE, (m, f) -> m.principal());
        rule("Mlops#as(Principal)", EVERYONE, (m, f) -> m.as(Principal.of("someone-else")));
        rule("Mlops#close()", EVERYONE, (m, f) -> m.close());
        // No flavor is on this module's class path, so an allowed call ends in "no such flavor".
        rule("Mlops#scorer(String)", EVERYONE, (m, f) -> m.scorer("models:/m/1"));
        rule("Mlops#scorer(ModelUri,ScorerOptions)", EVERYONE,
                (m, f) -> m.scorer(ModelUri.parse("models:/m@champion"), ScorerOptions.DEFAULTS));

        rule("Tracking#getOrCreateExperiment(String)", DATA_SCIENTISTS, (m, f) -> m.tracking().getOrCreateExperiment("new"));
        rule("Tracking#createExperiment(String,Map)", DATA_SCIENTISTS, (m, f) -> m.tracking().createExperiment("new", Map.of()));
        rule("Tracking#getExperiment(String)", EVERYONE, (m, f) -> m.tracking().getExperiment(f.experimentId));
        rule("Tracking#getExperimentByName(String)", EVERYONE, (m, f) -> m.tracking().getExperimentByName("exp"));
        rule("Tracking#findExperimentByName(String)", EVERYONE, (m, f) -> m.tracking().findExperimentByName("exp"));
        rule("Tracking#listExperiments()", EVERYONE, (m, f) -> m.tracking().listExperiments());
        rule("Tracking#setExperimentTag(String,String,String)", DATA_SCIENTISTS,
                (m, f) -> m.tracking().setExperimentTag(f.experimentId, "team", "retail"));
        rule("Tracking#startRun(String)", DATA_SCIENTISTS, (m, f) -> m.tracking().startRun("exp").close());
        rule("Tracking#startRun(RunSpec)", DATA_SCIENTISTS,
                (m, f) -> m.tracking().startRun(RunSpec.builder("exp").build()).close());
        rule("Tracking#run(RunSpec,RunBody)", DATA_SCIENTISTS,
                (m, f) -> m.tracking().run(RunSpec.builder("exp").build(), run -> run.id()));
        rule("Tracking#getRun(String)", EVERYONE, (m, f) -> m.tracking().getRun(f.runId));
        rule("Tracking#listRuns(String)", EVERYONE, (m, f) -> m.tracking().listRuns(f.experimentId));
        rule("Tracking#searchRuns(RunSearch)", EVERYONE,
                (m, f) -> m.tracking().searchRuns(RunSearch.builder(f.experimentId).build()));
        rule("Tracking#getMetricHistory(String,String)", EVERYONE, (m, f) -> m.tracking().getMetricHistory(f.runId, "auc"));
        rule("Tracking#batchedLogger(String,BatchingOptions)", DATA_SCIENTISTS,
                (m, f) -> m.tracking().batchedLogger(f.runId, BatchingOptions.DEFAULTS).close());
        rule("Tracking#listArtifacts(String)", EVERYONE, (m, f) -> m.tracking().listArtifacts(f.runId));

        rule("Datasets#log(String,Path)", DATA_SCIENTISTS, (m, f) -> m.datasets().log("other-data", f.file));
        rule("Datasets#logQuery(String,Connection,String)", DATA_SCIENTISTS, (m, f) -> {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:mem:")) {
                m.datasets().logQuery("query-data", c, "SELECT 1 AS one");
            }
        });
        rule("Datasets#get(String,String)", EVERYONE, (m, f) -> m.datasets().get("data", f.datasetDigest));
        rule("Datasets#findByDigest(String)", EVERYONE, (m, f) -> m.datasets().findByDigest(f.datasetDigest));
        rule("Datasets#versions(String)", EVERYONE, (m, f) -> m.datasets().versions("data"));
        rule("Datasets#manifest(String)", EVERYONE, (m, f) -> m.datasets().manifest(f.datasetDigest));
        rule("Datasets#download(String,Path)", EVERYONE, (m, f) -> m.datasets().download(f.datasetDigest,
                f.file.getParent().resolve("downloaded-" + java.util.UUID.randomUUID())));

        rule("Registry#createModel(String,String,Map)", DATA_SCIENTISTS,
                (m, f) -> m.registry().createModel("other", "", Map.of()));
        rule("Registry#getOrCreateModel(String)", DATA_SCIENTISTS, (m, f) -> m.registry().getOrCreateModel("other"));
        rule("Registry#getModel(String)", EVERYONE, (m, f) -> m.registry().getModel("m"));
        rule("Registry#findModel(String)", EVERYONE, (m, f) -> m.registry().findModel("m"));
        rule("Registry#listModels()", EVERYONE, (m, f) -> m.registry().listModels());
        rule("Registry#updateDescription(String,String)", DATA_SCIENTISTS,
                (m, f) -> m.registry().updateDescription("m", "better"));
        rule("Registry#setModelTag(String,String,String)", DATA_SCIENTISTS, (m, f) -> m.registry().setModelTag("m", "k", "v"));
        rule("Registry#createVersion(NewModelVersion)", DATA_SCIENTISTS, (m, f) -> m.registry().createVersion(
                NewModelVersion.builder("m", f.modelKey).flavor("custom").signature(Fixture.SIGNATURE).build()));
        rule("Registry#getVersion(String,int)", EVERYONE, (m, f) -> m.registry().getVersion("m", 1));
        rule("Registry#listVersions(String)", EVERYONE, (m, f) -> m.registry().listVersions("m"));
        rule("Registry#setVersionTag(String,int,String,String)", DATA_SCIENTISTS,
                (m, f) -> m.registry().setVersionTag("m", 1, "k", "v"));
        rule("Registry#attachGoldenSet(String,int,GoldenSet)", DATA_SCIENTISTS,
                (m, f) -> m.registry().attachGoldenSet("m", 1, Fixture.GOLDEN));
        rule("Registry#goldenSet(String,int)", EVERYONE, (m, f) -> m.registry().goldenSet("m", 1));

        rule("Mlops#monitoring()", EVERYONE, (m, f) -> m.monitoring());
        // Profiling touches no store: nothing to authorize.
        rule("Monitoring#profiler(Map)", EVERYONE, (m, f) -> m.monitoring().profiler(Map.of("x", FeatureKind.NUMERIC)));
        rule("Monitoring#profiler(List)", EVERYONE, (m, f) -> m.monitoring().profiler(List.of()));
        rule("Monitoring#profilerLike(DataProfile)", EVERYONE, (m, f) -> m.monitoring().profilerLike(Fixture.profile()));
        rule("Monitoring#readProfile(byte[])", EVERYONE, (m, f) -> m.monitoring().readProfile(Fixture.profile().toBytes()));
        rule("Monitoring#attachBaseline(String,int,DataProfile)", DATA_SCIENTISTS,
                (m, f) -> m.monitoring().attachBaseline("m", 1, Fixture.profile()));
        rule("Monitoring#baseline(String,int)", EVERYONE, (m, f) -> m.monitoring().baseline("m", 1));
        rule("Monitoring#recordLabel(String,String,String)", EnumSet.of(ML_ENGINEER, Role.OUTCOME_RECORDER),
                (m, f) -> m.monitoring().recordLabel("m", "request-1", "yes"));
        rule("Monitoring#predictions(String,int,Instant,Instant,int)", EnumSet.of(DATA_SCIENTIST, ML_ENGINEER, VALIDATOR, ADMIN),
                (m, f) -> m.monitoring().predictions("m", 1, Instant.EPOCH, Instant.now(), 10));
        rule("Monitoring#windowProfile(String,int,Instant,Instant)", EnumSet.of(DATA_SCIENTIST, ML_ENGINEER, VALIDATOR, ADMIN),
                (m, f) -> m.monitoring().windowProfile("m", 1, Instant.EPOCH, Instant.now()));
        rule("Monitoring#check(String,int,Instant,Instant)", EVERYONE,
                (m, f) -> m.monitoring().check("m", 1, Instant.EPOCH, Instant.now()));
        rule("Monitoring#check(String,int,Instant,Instant,DriftThresholds)", EVERYONE,
                (m, f) -> m.monitoring().check("m", 1, Instant.EPOCH, Instant.now(), DriftThresholds.DEFAULTS));
        rule("Monitoring#compare(String,int,DataProfile,DriftThresholds)", EVERYONE,
                (m, f) -> m.monitoring().compare("m", 1, Fixture.profile(), DriftThresholds.DEFAULTS));
        rule("Monitoring#purgePredictions(String,Instant)", EnumSet.of(ADMIN),
                (m, f) -> m.monitoring().purgePredictions("m", Instant.EPOCH));
        rule("Registry#setAlias(String,String,int)", EnumSet.of(ML_ENGINEER, VALIDATOR),
                (m, f) -> m.registry().setAlias("m", "staging", 2));
        rule("Registry#deleteAlias(String,String)", EnumSet.of(ML_ENGINEER, VALIDATOR),
                (m, f) -> m.registry().deleteAlias("m", "staging"));
        rule("Registry#resolve(ModelUri)", EVERYONE, (m, f) -> m.registry().resolve(ModelUri.parse("models:/m@champion")));
        rule("Registry#resolve(String)", EVERYONE, (m, f) -> m.registry().resolve("models:/m/1"));
        // Not a separate method, but a separate rule: protected aliases need a validator.
        rule("+Registry#setAlias(protected)", VALIDATORS, (m, f) -> m.registry().setAlias("m", "champion", 3));
        rule("+Registry#deleteAlias(protected)", VALIDATORS, (m, f) -> m.registry().deleteAlias("m", "champion"));

        rule("Governance#requestApproval(String,int,String)", DATA_SCIENTISTS,
                (m, f) -> m.governance().requestApproval("m", 1, "ready"));
        rule("Governance#approve(String,int,String)", VALIDATORS, (m, f) -> m.governance().approve("m", 2, "validated"));
        rule("Governance#reject(String,int,String)", VALIDATORS, (m, f) -> m.governance().reject("m", 2, "not yet"));
        rule("Governance#archive(String,int,String)", AUDITORS, (m, f) -> m.governance().archive("m", 1, "unused"));
        rule("Governance#transitions(String,int)", EVERYONE, (m, f) -> m.governance().transitions("m", 3));
        // No flavor is on this module's class path: an allowed check ends in "no such flavor".
        rule("Governance#checkGoldenSet(String,int)", EnumSet.of(DATA_SCIENTIST, ML_ENGINEER, VALIDATOR),
                (m, f) -> m.governance().checkGoldenSet("m", 1));
        rule("Governance#rollback(String,String,String)", VALIDATORS,
                (m, f) -> m.governance().rollback("m", "champion", "incident 42"));
        rule("Governance#aliasHistory(String)", EVERYONE, (m, f) -> m.governance().aliasHistory("m"));
        rule("Governance#protectedAliases()", EVERYONE, (m, f) -> m.governance().protectedAliases());
        rule("Governance#setInventory(String,ModelInventory)", EnumSet.of(DATA_SCIENTIST, VALIDATOR),
                (m, f) -> m.governance().setInventory("m", ModelInventory.builder().owner("retail").build()));
        rule("Governance#inventory(String)", EVERYONE, (m, f) -> m.governance().inventory("m"));
        rule("Governance#modelCard(String,int)", EVERYONE, (m, f) -> m.governance().modelCard("m", 3));
        rule("Governance#grantRole(SubjectKind,String,Role)", EnumSet.of(ADMIN),
                (m, f) -> m.governance().grantRole(SubjectKind.GROUP, "risk", VIEWER));
        rule("Governance#revokeRole(SubjectKind,String,Role)", EnumSet.of(ADMIN),
                (m, f) -> m.governance().revokeRole(SubjectKind.USER, "carol", VIEWER));
        rule("Governance#roleGrants()", EVERYONE, (m, f) -> m.governance().roleGrants());
        rule("Governance#rolesOf(Principal)", EVERYONE, (m, f) -> m.governance().rolesOf(Principal.of("carol")));
        rule("Governance#audit()", EVERYONE, (m, f) -> m.governance().audit());

        rule("AuditLog#entries(long,int)", AUDITORS, (m, f) -> m.governance().audit().entries(1, 10));
        rule("AuditLog#head()", AUDITORS, (m, f) -> m.governance().audit().head());
        rule("AuditLog#verify()", AUDITORS, (m, f) -> m.governance().audit().verify());
        rule("AuditLog#verify(AuditAnchor)", AUDITORS, (m, f) -> m.governance().audit().verify(f.anchor));
        rule("AuditLog#anchor(String)", AUDITORS, (m, f) -> m.governance().audit().anchor("audit/next.json"));
        rule("AuditLog#readAnchor(String)", AUDITORS, (m, f) -> m.governance().audit().readAnchor("audit/first.json"));

        rule("ArtifactStore#location()", EVERYONE, (m, f) -> m.artifacts().location());
        rule("ArtifactStore#put(String,InputStream)", DATA_SCIENTISTS,
                (m, f) -> m.artifacts().put("notes/a.txt", new ByteArrayInputStream(new byte[] {1})));
        rule("ArtifactStore#put(String,Path)", DATA_SCIENTISTS, (m, f) -> m.artifacts().put("notes/b.txt", f.file));
        rule("ArtifactStore#putDirectory(String,Path)", DATA_SCIENTISTS,
                (m, f) -> m.artifacts().putDirectory("dir", f.file.getParent()));
        rule("ArtifactStore#open(String)", EVERYONE, (m, f) -> m.artifacts().open(f.modelKey).close());
        rule("ArtifactStore#getDirectory(String,Path)", EVERYONE,
                (m, f) -> m.artifacts().getDirectory("folders/saved", Files.createTempDirectory(f.file.getParent(), "get")));
        rule("ArtifactStore#stat(String)", EVERYONE, (m, f) -> m.artifacts().stat(f.modelKey));
        rule("ArtifactStore#list(String)", EVERYONE, (m, f) -> m.artifacts().list("models/"));
        rule("ArtifactStore#downloadUrl(String,Duration)", EnumSet.of(DATA_SCIENTIST, ML_ENGINEER, VALIDATOR, ADMIN),
                (m, f) -> m.artifacts().downloadUrl(f.modelKey, java.time.Duration.ofMinutes(5)));
        rule("ArtifactStore#delete(String)", EnumSet.of(ADMIN), (m, f) -> m.artifacts().delete("audit/first.json"));
        rule("ArtifactStore#close()", EVERYONE, (m, f) -> m.artifacts().close());
    }

    @TempDir
    Path temp;

    static String signature(Class<?> api, Method m) {
        return api.getSimpleName() + "#" + m.getName() + "(" + Arrays.stream(m.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(",")) + ")";
    }

    private static Set<String> operationsOf(List<Class<?>> apis) {
        Set<String> operations = new TreeSet<>();
        for (Class<?> api : apis) {
            for (Method m : api.getMethods()) {
                if (!Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class) {
                    operations.add(signature(api, m));
                }
            }
        }
        return operations;
    }

    @Test
    void everyPublicOperation_hasAnExplicitRule() {
        Set<String> ruled = RULES.keySet().stream().filter(k -> !k.startsWith("+")).collect(Collectors.toSet());

        assertThat(operationsOf(GOVERNED))
                .as("operations of %s; add a rule for any new one", GOVERNED)
                .containsExactlyInAnyOrderElementsOf(ruled);
    }

    @Test
    void handleOperations_areTheOnesAuthorizedWhenTheHandleIsObtained() {
        // Listed so that a new handle method is a conscious decision too: it runs without a check.
        assertThat(operationsOf(HANDLES)).containsExactlyInAnyOrder(
                "ActiveRun#id()", "ActiveRun#experimentId()", "ActiveRun#snapshot()", "ActiveRun#logParam(String,String)",
                "ActiveRun#logParams(Map)", "ActiveRun#logMetric(String,double)", "ActiveRun#logMetric(String,double,long)",
                "ActiveRun#logMetrics(Map,long)", "ActiveRun#setTag(String,String)", "ActiveRun#logInput(Dataset,String)",
                "ActiveRun#logInput(DatasetVersion,String)", "ActiveRun#logDataset(String,Path,String)",
                "ActiveRun#logArtifact(Path,String)", "ActiveRun#logArtifact(InputStream,String)",
                "ActiveRun#artifactKey(String)", "ActiveRun#startChild(String)", "ActiveRun#finish()",
                "ActiveRun#end(RunStatus)", "ActiveRun#close()",
                "BatchedMetricLogger#logMetric(String,double,long)", "BatchedMetricLogger#logMetric(String,double,long,long)",
                "BatchedMetricLogger#flush()", "BatchedMetricLogger#pending()", "BatchedMetricLogger#close()",
                "Scorer#score(Map)", "Scorer#score(String,Map)", "Scorer#scoreBatch(List)", "Scorer#scoreBatch(List,List)", "Scorer#scoreTensors(Map)",
                "Scorer#scoreColumns(FeatureColumns)", "Scorer#scoreColumns(List,FeatureColumns)",
                "Scorer#features()", "Scorer#version()", "Scorer#close()");
    }

    @TestFactory
    Stream<DynamicTest> everyOperation_asEveryRole_isAllowedOrDeniedAsTheTableSays() {
        return RULES.entrySet().stream().flatMap(rule -> Arrays.stream(Role.values()).map(role -> DynamicTest.dynamicTest(
                rule.getKey() + " as " + role, () -> check(rule.getKey(), rule.getValue(), role))));
    }

    private void check(String operation, Rule rule, Role role) throws Exception {
        Path folder = Files.createTempDirectory(temp, "case");
        try (Fixture f = new Fixture(folder)) {
            Mlops as = f.as(role);
            if (rule.allowed().contains(role)) {
                try {
                    rule.call().run(as, f);
                } catch (PermissionDeniedException e) {
                    throw new AssertionError(operation + " should be allowed for " + role + " but: " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    // Allowed through authorization; only the scorer may then fail, for want of a flavor here.
                    assertThat(operation).as("%s as %s failed after authorization: %s", operation, role, e)
                            .matches("Mlops#scorer.*|Governance#checkGoldenSet.*");
                }
            } else {
                long before = f.auditSize();
                assertThatThrownBy(() -> rule.call().run(as, f))
                        .as("%s as %s", operation, role)
                        .isInstanceOf(PermissionDeniedException.class)
                        .hasMessageContaining("p-" + role + " (roles [" + role + "])");
                List<AuditEntry> after = f.auditFrom(before + 1);
                assertThat(after).as("audit after denying %s to %s", operation, role).singleElement()
                        .satisfies(e -> {
                            assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
                            assertThat(e.principal()).isEqualTo("p-" + role);
                        });
            }
        }
    }

    /**
     * A store with something to act on: model m with v1 NEW, v2 PENDING_APPROVAL, v3 and v4
     * APPROVED; champion moved 3 → 4 → 3 (so rollback has somewhere to go); staging → 1; a running
     * run; an anchor. Principal "p" holds exactly the role under test.
     */
    static final class Fixture implements AutoCloseable {
        static final ModelSignature SIGNATURE = new ModelSignature(
                List.of(TensorSpec.tensor("x", DataType.FLOAT, List.of(-1L, 1L))),
                List.of(TensorSpec.tensor("y", DataType.FLOAT, List.of(-1L))), Map.of());

        static final GoldenSet GOLDEN = new GoldenSet(1e-6, List.of(new GoldenCase(Map.of("x", 1.0),
                Optional.empty(), Map.of(), List.of(2.0))));

        private final Mlops root;
        private final Mlops admin;

        static DataProfile profile() {
            return new SketchProfiler(Map.of("x", FeatureKind.NUMERIC)).add(Map.of("x", 1.0)).profile();
        }
        final String experimentId;
        final String runId;
        final String modelKey;
        final AuditAnchor anchor;
        final Path file;
        final String datasetDigest;

        Fixture(Path folder) throws Exception {
            RoleMapping.Builder roles = RoleMapping.builder().user("owner", DATA_SCIENTIST).user("checker", VALIDATOR)
                    .user("admin", ADMIN);
            for (Role role : Role.values()) {
                roles.user("p-" + role, role);
            }
            root = Mlops.builder().metadata("mem:").artifacts("mem:").principal(Principal.of("owner"))
                    .roles(roles.build()).build();
            admin = root.as(Principal.of("admin"));
            Mlops checker = root.as(Principal.of("checker"));
            experimentId = root.tracking().createExperiment("exp", Map.of()).id();
            ActiveRun run = root.tracking().startRun("exp");
            run.logMetric("auc", 0.8);
            runId = run.id();
            modelKey = root.artifacts().put("models/m/model.bin", new ByteArrayInputStream(new byte[] {1, 2, 3})).key();
            for (int v = 1; v <= 4; v++) {
                root.registry().createVersion(NewModelVersion.builder("m", modelKey).flavor("custom")
                        .signature(SIGNATURE).build());
            }
            for (int v = 2; v <= 4; v++) {
                root.governance().requestApproval("m", v, "ready");
            }
            checker.governance().approve("m", 3, "ok");
            checker.governance().approve("m", 4, "ok");
            checker.registry().setAlias("m", "champion", 3);
            checker.registry().setAlias("m", "champion", 4);
            checker.registry().setAlias("m", "champion", 3);
            checker.registry().setAlias("m", "staging", 1);
            admin.governance().grantRole(SubjectKind.USER, "carol", VIEWER);
            anchor = admin.governance().audit().anchor("audit/first.json");
            file = Files.writeString(folder.resolve("b.txt"), "b");
            root.artifacts().putDirectory("folders/saved", folder);
            datasetDigest = root.datasets().log("data", file).digest();
            root.registry().attachGoldenSet("m", 1, GOLDEN);
            root.monitoring().attachBaseline("m", 1, profile());
        }

        /** Acting as a principal that holds exactly {@code role}. */
        Mlops as(Role role) {
            return root.as(Principal.of("p-" + role));
        }

        long auditSize() {
            return admin.governance().audit().head().seq();
        }

        List<AuditEntry> auditFrom(long seq) {
            return admin.governance().audit().entries(seq, 100);
        }

        @Override
        public void close() {
            root.close();
        }
    }
}
