package io.mlops.core.internal;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.spi.ArtifactStoreProvider;
import io.mlops.api.spi.MetadataStoreProvider;
import io.mlops.api.spi.ModelFlavor;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Finds implementations through {@link ServiceLoader}. Exactly one provider must claim a URI:
 * none or several is a configuration error that names the candidates and how to choose.
 */
public final class Providers {

    private Providers() {
    }

    public static MetadataStoreProvider metadataProviderFor(String uri) {
        return single(MetadataStoreProvider.class, p -> p.supports(uri), MetadataStoreProvider::name, uri,
                "mlops-jdbc for jdbc:h2: and jdbc:postgresql:");
    }

    public static ArtifactStoreProvider artifactProviderFor(String uri) {
        return single(ArtifactStoreProvider.class, p -> p.supports(uri), ArtifactStoreProvider::name, uri,
                "mlops-core for file: and mem:, mlops-s3 for s3://");
    }

    public static List<ModelFlavor> flavors() {
        return ServiceLoader.load(ModelFlavor.class, classLoader()).stream().map(ServiceLoader.Provider::get).toList();
    }

    public static Optional<ModelFlavor> flavor(String name) {
        return flavors().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    private static <P> P single(Class<P> type, Predicate<P> claims, Function<P, String> name, String uri, String hint) {
        List<P> candidates = ServiceLoader.load(type, classLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(claims)
                .toList();
        if (candidates.isEmpty()) {
            throw new InvalidArgumentException("no " + type.getSimpleName() + " on the class path supports '"
                    + MlopsSettings.maskUri(uri) + "'; add the module for that scheme (" + hint + ")");
        }
        if (candidates.size() > 1) {
            throw new InvalidArgumentException("several " + type.getSimpleName() + "s support '" + MlopsSettings.maskUri(uri) + "': "
                    + candidates.stream().map(name).toList() + "; pass the store instance to the builder instead of a URI");
        }
        return candidates.get(0);
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Providers.class.getClassLoader();
    }
}
