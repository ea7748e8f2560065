package io.mlops.core.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifiers: 32 lowercase hex characters (128 random bits), the same form as MLflow's run ids. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
