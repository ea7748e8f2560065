package io.mlops.http;

import io.mlops.api.ModelUri;
import io.mlops.api.serving.Scorer;
import io.mlops.serving.ModelServer;
import io.mlops.serving.ServedModel;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A model server for the cases no real model can be made to show (a scorer that blocks on demand,
 * one that fails unexpectedly, none at all): scorers come from {@code scorers}, nothing is
 * loaded, and health is fixed.
 */
record StandInModelServer(Function<ModelUri, Scorer> scorers, boolean healthy) implements ModelServer {

    /** Serves nothing: every scorer request fails with {@code failure}. */
    static StandInModelServer failingWith(RuntimeException failure) {
        return new StandInModelServer(uri -> {
            throw failure;
        }, false);
    }

    @Override
    public Scorer scorer(ModelUri uri) {
        return scorers.apply(uri);
    }

    @Override
    public void refresh() {
    }

    @Override
    public List<ServedModel> status() {
        return List.of();
    }

    @Override
    public Optional<ServedModel> status(ModelUri uri) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
