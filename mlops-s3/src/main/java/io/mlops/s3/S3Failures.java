package io.mlops.s3;

import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.StoreUnavailableException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Turns the SDK's exceptions into the SDK-neutral ones of this library, with a message that says
 * what was being done, where, and what to check. Messages carry S3's error code and status, never
 * credentials; the SDK's exception stays attached as the cause.
 */
final class S3Failures {

    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "AccessDenied", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled");

    private S3Failures() {
    }

    static MlopsException map(SdkException e, String what, String key, String location) {
        String action = "cannot " + what + " '" + key + "' in " + location;
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = code(service);
            if (e instanceof NoSuchBucketException || "NoSuchBucket".equals(code)
                    || (status == 404 && what.startsWith("reach bucket"))) {
                return new NotFoundException(action + ": the bucket does not exist (HTTP " + status
                        + "); create it or correct the artifact URI", e);
            }
            if (status == 401 || status == 403 || CREDENTIAL_CODES.contains(code)) {
                return new MlopsException(action + ": S3 refused the request (" + describeService(status, code)
                        + "); check the credentials the store uses and the bucket's policy", e);
            }
            if (status >= 500 || status == 429 || "SlowDown".equals(code) || "RequestTimeout".equals(code)) {
                return new StoreUnavailableException(action + ": S3 is not answering normally (" + describeService(status, code)
                        + ") and retries did not help", e);
            }
            return new MlopsException(action + ": S3 answered " + describeService(status, code), e);
        }
        if (e instanceof software.amazon.awssdk.core.exception.AbortedException) {
            return new MlopsException(action + ": interrupted", e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
            // A configuration error, not an outage: retrying would not help.
            return new MlopsException(action + ": no AWS credentials were found (environment, aws.accessKeyId system"
                    + " properties, profile, container or instance role); configure one or give a credentials provider", e);
        }
        if (e instanceof SdkClientException) {
            return new StoreUnavailableException(action + ": the S3 endpoint could not be reached or stopped answering ("
                    + rootCause(e) + ")", e);
        }
        return new MlopsException(action + ": " + e.getClass().getSimpleName(), e);
    }

    /** A short description for log lines. */
    static String describe(SdkException e) {
        if (e instanceof AwsServiceException service) {
            return describeService(service.statusCode(), code(service));
        }
        return rootCause(e);
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
    }

    private static String describeService(int status, String code) {
        return code.isEmpty() ? "HTTP " + status : code + ", HTTP " + status;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
