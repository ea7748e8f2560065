package io.mlops.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.governance.AuditAnchor;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditLog;
import io.mlops.api.governance.AuditVerification;
import io.mlops.api.spi.GovernanceStore;
import io.mlops.core.internal.governance.AuditChain;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Reading, verifying and anchoring the audit chain. */
final class DefaultAuditLog implements AuditLog {

    private static final int MAX_PAGE = 10_000;

    private final GovernanceStore store;
    private final ArtifactStore artifacts;
    private final Guard guard;

    DefaultAuditLog(GovernanceStore store, ArtifactStore artifacts, Guard guard) {
        this.store = store;
        this.artifacts = artifacts;
        this.guard = guard;
    }

    @Override
    public List<AuditEntry> entries(long fromSeq, int limit) {
        guard.require(Permission.READ_AUDIT, "audit.entries", "audit-log");
        if (fromSeq < 1) {
            throw new InvalidArgumentException("fromSeq must be 1 or more (entries are numbered from 1), got " + fromSeq);
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidArgumentException("limit must be 1.." + MAX_PAGE + ", got " + limit);
        }
        return store.readAudit(fromSeq, limit);
    }

    @Override
    public AuditAnchor head() {
        guard.require(Permission.READ_AUDIT, "audit.head", "audit-log");
        return currentHead();
    }

    private AuditAnchor currentHead() {
        long now = guard.clock().millis();
        return store.lastAudit().map(e -> new AuditAnchor(e.seq(), e.hash(), now))
                .orElseGet(() -> new AuditAnchor(0, AuditEntry.GENESIS_HASH, now));
    }

    @Override
    public AuditVerification verify() {
        guard.require(Permission.READ_AUDIT, "audit.verify", "audit-log");
        return AuditChain.verify(store, null);
    }

    @Override
    public AuditVerification verify(AuditAnchor anchor) {
        Objects.requireNonNull(anchor, "anchor");
        guard.require(Permission.READ_AUDIT, "audit.verify", "audit-log");
        return AuditChain.verify(store, anchor);
    }

    @Override
    public AuditAnchor anchor(String artifactKey) {
        ArtifactKeys.validate(artifactKey);
        guard.require(Permission.ANCHOR_AUDIT, "audit.anchor", artifactKey);
        AuditAnchor anchor = currentHead();
        try {
            artifacts.put(artifactKey, new ByteArrayInputStream(
                    StoredFormats.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(anchor)));
        } catch (IOException e) {
            throw new MlopsException("cannot write the audit anchor to '" + artifactKey + "': " + e, e);
        }
        guard.record("audit.anchor", artifactKey, Map.of("seq", anchor.seq(), "hash", anchor.hash()));
        return anchor;
    }

    @Override
    public AuditAnchor readAnchor(String artifactKey) {
        ArtifactKeys.validate(artifactKey);
        guard.require(Permission.READ_AUDIT, "audit.readAnchor", artifactKey);
        try (InputStream in = artifacts.open(artifactKey)) {
            JsonNode node = StoredFormats.mapper().readTree(in);
            if (node == null || !node.path("seq").canConvertToLong() || !node.path("hash").isTextual()
                    || !node.path("anchorTime").canConvertToLong()) {
                throw new InvalidArgumentException("artifact '" + artifactKey + "' is not an audit anchor: expected JSON"
                        + " with numeric 'seq', text 'hash' and numeric 'anchorTime'");
            }
            return new AuditAnchor(node.get("seq").asLong(), node.get("hash").asText(), node.get("anchorTime").asLong());
        } catch (IOException e) {
            throw new InvalidArgumentException("artifact '" + artifactKey + "' is not readable as an audit anchor: " + e, e);
        }
    }
}
