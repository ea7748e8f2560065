package io.mlops.core.internal.governance;

import io.mlops.api.PermissionDeniedException;
import io.mlops.api.Principal;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.Role;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.GovernanceStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Authorization and auditing for one principal: every public operation asks {@link #require}
 * first, and every change is sealed into the audit chain through {@link #appender} or
 * {@link #record}. When governance is off it allows everything and records only what the stores
 * need an entry for.
 */
public final class Guard {

    /** The SLF4J MDC key whose value, when set by the caller, becomes the audit entries' request id. */
    public static final String REQUEST_ID_MDC_KEY = "requestId";

    private static final Logger LOG = LoggerFactory.getLogger("io.mlops.audit");

    private final GovernanceStore store;
    private final Principal principal;
    private final RoleResolver roles;
    private final Clock clock;
    private final boolean enforced;

    public Guard(GovernanceStore store, Principal principal, RoleResolver roles, Clock clock, boolean enforced) {
        this.store = store;
        this.principal = principal;
        this.roles = roles;
        this.clock = clock;
        this.enforced = enforced;
    }

    /** The same rules for another principal. */
    public Guard as(Principal other) {
        return new Guard(store, other, roles, clock, enforced);
    }

    public Principal principal() {
        return principal;
    }

    public Clock clock() {
        return clock;
    }

    public boolean enforced() {
        return enforced;
    }

    public RoleResolver roleResolver() {
        return roles;
    }

    public Set<Role> roles() {
        return roles.rolesOf(principal);
    }

    /**
     * Refuses, and records the refusal, unless the principal holds a role that gives
     * {@code permission}.
     *
     * @param action what is attempted, e.g. {@code registry.createVersion}
     * @param target what on, e.g. {@code models:/credit-risk}
     */
    public void require(Permission permission, String action, String target) {
        if (!enforced) {
            return;
        }
        Set<Role> held = roles();
        if (!permission.grantedToAnyOf(held)) {
            deny(action, target, principal.name() + " (roles " + held + ") may not " + action + " " + target
                    + ": it needs one of the roles " + permission.roles());
        }
    }

    /** Records a refused attempt and throws {@link PermissionDeniedException} with {@code reason}. */
    public PermissionDeniedException deny(String action, String target, String reason) {
        PermissionDeniedException denied = new PermissionDeniedException(reason);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("reason", reason);
        try {
            store.appendAudit(appender(action, target, AuditOutcome.DENIED, summary));
        } catch (RuntimeException e) {
            // Still refused; the caller learns that the refusal itself could not be recorded.
            denied.addSuppressed(e);
        }
        LOG.warn("denied: {}", reason);
        throw denied;
    }

    /** The appender for a change that succeeds, to hand to the store with the change. */
    public AuditAppender appender(String action, String target, Map<String, ?> summary) {
        return appender(action, target, AuditOutcome.SUCCEEDED, summary);
    }

    private AuditAppender appender(String action, String target, AuditOutcome outcome, Map<String, ?> summary) {
        return AuditChain.appender(clock.millis(), principal.name(), action, target, outcome, requestId(), summary);
    }

    /**
     * Records a change a store made without taking an audit entry with it (creating models, tracking,
     * artifacts).
     * Off when governance is off.
     */
    public void record(String action, String target, Map<String, ?> summary) {
        if (!enforced) {
            return;
        }
        AuditEntry entry = store.appendAudit(appender(action, target, summary));
        LOG.debug("audit {} {} {} by {}", entry.seq(), action, target, principal.name());
    }

    /**
     * Records an attempt a safety check refused (an artifact whose bytes changed), governance on or
     * off: it is a security event, not a permission question.
     */
    public void recordFailure(String action, String target, String reason, RuntimeException failure) {
        try {
            store.appendAudit(appender(action, target, AuditOutcome.FAILED, Map.of("reason", reason)));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        LOG.error("refused: {} {}: {}", action, target, reason);
    }

    private static String requestId() {
        String fromCaller = MDC.get(REQUEST_ID_MDC_KEY);
        return fromCaller != null && !fromCaller.isBlank() ? fromCaller : UUID.randomUUID().toString();
    }
}
