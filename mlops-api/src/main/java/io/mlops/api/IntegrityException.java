package io.mlops.api;

/** Stored bytes or records do not match what was recorded for them, for example an artifact whose sha256 differs from the registry's. */
public class IntegrityException extends MlopsException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
