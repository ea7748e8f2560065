package io.mlops.api;

/** The principal the SDK runs as may not perform the operation. */
public class PermissionDeniedException extends MlopsException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message) {
        super(message);
    }

    public PermissionDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
