package io.mlops.benchmarks;

import ai.onnxruntime.OrtException;
import io.mlops.Mlops;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.samples.bank.BankMarketingData.BankClient;
import io.mlops.serving.ModelServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;

/**
 * JMH micro-benchmarks of one scoring call, single-threaded, average time in µs. Run through
 * {@link ScoringBenchmark} (it prepares the models and turns the results into BENCH lines).
 *
 * <ul>
 *   <li>{@code *_sdk}: the hot-swapping handle users get, {@code ModelServer.scorer("models:/m@champion")};</li>
 *   <li>{@code *_scorer}: the plain {@code mlops.scorer(uri)};</li>
 *   <li>{@code *_raw}: {@link RawOrt}, hand-written ONNX Runtime code for the same model and rows;</li>
 *   <li>{@code batch_columns}: the SDK handle scoring the same rows given as typed columns
 *       ({@code Scorer.scoreColumns}: one column per bank feature, one vector column for the MLP),
 *       the input form closest to the raw baseline's typed rows;</li>
 *   <li>{@code tribuo_*}: Tribuo's own {@code predict} on the trained model (bank only), on examples
 *       encoded beforehand, and including the encoding of the raw row ({@code *_encode}).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScoringJmh {

    /** One model registered in an in-memory {@link Mlops}, served both ways, plus the raw baselines. */
    @State(Scope.Benchmark)
    public static class Models {
        @Param({ScoringFixtures.BANK, ScoringFixtures.MLP})
        public String model;

        Mlops mlops;
        ModelServer server;
        Scorer served;
        Scorer plain;
        RawOrt rawSingle;
        RawOrt rawBatch;
        Map<String, ?> row;
        List<Map<String, ?>> rows;
        /** The same rows as typed columns, as a caller holding them in arrays would give them. */
        FeatureColumns columns;

        @Setup(Level.Trial)
        public void setUp() throws OrtException {
            Path dir = ScoringFixtures.dir();
            byte[] bytes = ScoringFixtures.modelBytes(dir, model);
            ScoringFixtures.BankRows bank = model.equals(ScoringFixtures.BANK) ? ScoringFixtures.BankRows.load() : null;
            if (bank != null) {
                rows = ScoringFixtures.bankRows(bank.first(ScoringFixtures.BATCH));
                columns = ScoringFixtures.bankColumns(bank.first(ScoringFixtures.BATCH));
            } else {
                List<Map<String, ?>> vectors = new ArrayList<>();
                for (float[] v : ScoringFixtures.mlpVectors(ScoringFixtures.BATCH)) {
                    vectors.add(ScoringFixtures.mlpRow(v));
                }
                rows = List.copyOf(vectors);
                columns = ScoringFixtures.mlpColumns(ScoringFixtures.BATCH);
            }
            row = rows.get(0);
            mlops = ScoringFixtures.openMlops();
            ScoringFixtures.register(mlops, model, bytes);
            String uri = ScoringFixtures.champion(model);
            plain = mlops.scorer(uri);
            if (Boolean.getBoolean(ScoringFixtures.SERVER_PROPERTY)) {
                server = ModelServer.builder(mlops).pollInterval(Duration.ZERO).build();
                served = server.scorer(uri);
            }
            rawSingle = RawOrt.of(model, bytes, 1, bank);
            rawBatch = RawOrt.of(model, bytes, ScoringFixtures.BATCH, bank);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            if (server != null) {
                server.close();
            }
            plain.close();
            mlops.close();
            rawSingle.close();
            rawBatch.close();
        }
    }

    /** The trained Tribuo model and the same rows, raw and encoded as Tribuo examples. */
    @State(Scope.Benchmark)
    public static class Tribuo {
        LinearSGDModel model;
        ScoringFixtures.BankRows bank;
        BankClient client;
        List<BankClient> clients;
        Example<Label> example;
        List<Example<Label>> examples;

        @Setup(Level.Trial)
        public void setUp() {
            model = ScoringFixtures.tribuoModel(ScoringFixtures.dir());
            bank = ScoringFixtures.BankRows.load();
            clients = bank.first(ScoringFixtures.BATCH);
            client = clients.get(0);
            examples = new ArrayList<>();
            for (BankClient c : clients) {
                examples.add(bank.encoding().toExample(c, LabelFactory.UNKNOWN_LABEL));
            }
            example = examples.get(0);
        }

        List<Example<Label>> encode() {
            List<Example<Label>> encoded = new ArrayList<>(clients.size());
            for (BankClient c : clients) {
                encoded.add(bank.encoding().toExample(c, LabelFactory.UNKNOWN_LABEL));
            }
            return encoded;
        }
    }

    @Benchmark
    public Prediction single_sdk(Models m) {
        return m.served.score(m.row);
    }

    @Benchmark
    public Prediction single_scorer(Models m) {
        return m.plain.score(m.row);
    }

    @Benchmark
    public RawOrt.Output single_raw(Models m) throws OrtException {
        return m.rawSingle.score();
    }

    @Benchmark
    public List<Prediction> batch_sdk(Models m) {
        return m.served.scoreBatch(m.rows);
    }

    @Benchmark
    public List<Prediction> batch_scorer(Models m) {
        return m.plain.scoreBatch(m.rows);
    }

    /** The SDK handle ({@code *_sdk} when a server is measured, else the plain scorer) given typed columns. */
    @Benchmark
    public List<Prediction> batch_columns(Models m) {
        return (m.served != null ? m.served : m.plain).scoreColumns(m.columns);
    }

    @Benchmark
    public RawOrt.Output batch_raw(Models m) throws OrtException {
        return m.rawBatch.score();
    }

    @Benchmark
    public Object tribuo_single(Tribuo t) {
        return t.model.predict(t.example);
    }

    @Benchmark
    public Object tribuo_single_encode(Tribuo t) {
        return t.model.predict(t.bank.encoding().toExample(t.client, LabelFactory.UNKNOWN_LABEL));
    }

    @Benchmark
    public Object tribuo_batch(Tribuo t) {
        return t.model.predict(t.examples);
    }

    @Benchmark
    public Object tribuo_batch_encode(Tribuo t) {
        return t.model.predict(t.encode());
    }
}
