package io.mlops.tribuo;

import static org.assertj.core.api.Assertions.assertThat;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.LongProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.mlops.Mlops;
import io.mlops.api.tracking.ActiveRun;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.TrainerProvenance;

/**
 * Flattening of trainer provenance that Tribuo's own trainers do not produce: odd field names,
 * huge values, lists of objects and fields that throw.
 */
class TrainerParamsTest {

    @Test
    void of_oddFields_areSanitizedCutOrSkippedButNeverFailTheRest() {
        Map<String, Provenance> fields = new LinkedHashMap<>();
        fields.put("seed", new LongProvenance("seed", 7L));
        fields.put("max depth (trees)!", new IntProvenance("max depth (trees)!", 4));
        fields.put("a..b", new StringProvenance("a..b", "dots"));
        fields.put("vocabulary", new StringProvenance("vocabulary", "w".repeat(7000)));
        fields.put("broken", new Broken());
        fields.put("weights", new ListProvenance<>(List.of(new StringProvenance("weights", "0.5"),
                new StringProvenance("weights", "1.5"))));
        fields.put("members", new ListProvenance<>(List.of(
                new Configured("org.example.Stump", Map.of("depth", new IntProvenance("depth", 1))),
                new Configured("org.example.Stump", Map.of("depth", new IntProvenance("depth", 2))))));

        Map<String, String> params = TrainerParams.of(modelTrainedBy(new Configured("org.example.FakeTrainer", fields)));

        assertThat(params)
                .containsEntry("trainer.class", "org.example.FakeTrainer")
                .containsEntry("trainer.seed", "7")
                .containsEntry("trainer.max depth _trees__", "4")
                .containsEntry("trainer.a._b", "dots")
                .containsEntry("trainer.weights", "0.5,1.5")
                .containsEntry("trainer.members.0.class", "org.example.Stump")
                .containsEntry("trainer.members.1.depth", "2")
                .doesNotContainKey("trainer.broken");
        assertThat(params.get("trainer.vocabulary")).hasSize(6000).endsWith("…").startsWith("www");

        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts("mem:").captureEnvironment(false).ungoverned().build();
             ActiveRun run = mlops.tracking().startRun("tribuo")) {
            run.logParams(params); // everything the flattening produced is acceptable to the store
            assertThat(run.snapshot().params()).containsAllEntriesOf(params);
        }
    }

    @Test
    void key_sanitizing_matchesTheStoreRules() {
        assertThat(LoggableNames.key("trainer.ok-name_1/x:y z")).isEqualTo("trainer.ok-name_1/x:y z");
        assertThat(LoggableNames.key("/root")).isEqualTo("_root");
        assertThat(LoggableNames.key("a...b")).isEqualTo("a._.b");
        assertThat(LoggableNames.key("é")).isEqualTo("_");
        assertThat(LoggableNames.key("")).isEqualTo("_");
        assertThat(LoggableNames.key("k".repeat(300))).hasSize(250);
    }

    @Test
    void putUnique_keysThatSanitizeAlike_getSuffixes() {
        Map<String, String> target = new LinkedHashMap<>();
        LoggableNames.putUnique(target, "auc.a?b", "1");
        LoggableNames.putUnique(target, "auc.a!b", "2");
        LoggableNames.putUnique(target, "k".repeat(300), "3");
        LoggableNames.putUnique(target, "k".repeat(301), "4");

        assertThat(target).containsEntry("auc.a_b", "1").containsEntry("auc.a_b_2", "2");
        assertThat(target).containsEntry("k".repeat(250), "3").containsEntry("k".repeat(248) + "_2", "4");
    }

    @Test
    void paramValue_longValue_isCutWithoutSplittingACharacter() {
        String emoji = "\uD83D\uDE00";
        String value = "x".repeat(5998) + emoji + "tail";

        String cut = LoggableNames.paramValue(value);

        assertThat(cut).isEqualTo("x".repeat(5998) + "…");
        assertThat(LoggableNames.paramValue("short")).isEqualTo("short");
    }

    private static ModelProvenance modelTrainedBy(TrainerProvenance trainer) {
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("test", labels), labels);
        DatasetProvenance dataset = new DatasetProvenance(data.getProvenance().getSourceProvenance(),
                new ListProvenance<>(), data);
        return new ModelProvenance("org.example.Model", OffsetDateTime.now(), dataset, trainer);
    }

    /** A configured object's (or trainer's) provenance with whatever fields a test needs. */
    private record Configured(String className, Map<String, Provenance> fields) implements TrainerProvenance {
        @Override
        public String getClassName() {
            return className;
        }

        @Override
        public Map<String, Provenance> getConfiguredParameters() {
            return fields;
        }
    }

    /** A third-party primitive whose value cannot be read. */
    private static final class Broken implements PrimitiveProvenance<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey() {
            return "broken";
        }

        @Override
        public String getValue() {
            throw new IllegalStateException("cannot read");
        }
    }
}
