package io.mlops.core.internal.governance;

import static io.mlops.api.governance.Role.ADMIN;
import static io.mlops.api.governance.Role.DATA_SCIENTIST;
import static io.mlops.api.governance.Role.ML_ENGINEER;
import static io.mlops.api.governance.Role.OUTCOME_RECORDER;
import static io.mlops.api.governance.Role.VALIDATOR;
import static io.mlops.api.governance.Role.VIEWER;

import io.mlops.api.governance.Role;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What an operation needs, and which roles give it: the one place the SDK's authorization policy
 * is written down. Every public operation names one of these (checked by a test that walks the
 * API by reflection).
 */
public enum Permission {
    /** Read experiments, runs, models, versions, aliases, inventory, history; obtain scorers. */
    READ(VIEWER, DATA_SCIENTIST, ML_ENGINEER, VALIDATOR, ADMIN, OUTCOME_RECORDER),
    /** Create experiments, runs and datasets, log to runs, store run artifacts. */
    TRACK(DATA_SCIENTIST),
    /** Register models and versions, edit their descriptions and tags. */
    REGISTER(DATA_SCIENTIST),
    /** Write artifacts directly into the artifact store. */
    WRITE_ARTIFACT(DATA_SCIENTIST),
    /** Fill in a model's inventory record. */
    EDIT_INVENTORY(DATA_SCIENTIST, VALIDATOR),
    /** NEW → PENDING_APPROVAL. */
    REQUEST_APPROVAL(DATA_SCIENTIST),
    /** PENDING_APPROVAL → APPROVED or REJECTED (and the four-eyes rule on top). */
    DECIDE_APPROVAL(VALIDATOR),
    /** Move or delete aliases that are not protected. */
    SET_ALIAS(ML_ENGINEER, VALIDATOR),
    /** Move, delete or roll back protected aliases (to APPROVED versions only). */
    SET_PROTECTED_ALIAS(VALIDATOR),
    /** Retire a version. */
    ARCHIVE(VALIDATOR, ADMIN),
    /** Read and verify the audit log. */
    READ_AUDIT(VALIDATOR, ADMIN),
    /** Write the audit head to the artifact store. */
    ANCHOR_AUDIT(VALIDATOR, ADMIN),
    /** Grant and revoke stored roles. */
    MANAGE_ROLES(ADMIN),
    /** Delete artifacts. */
    DELETE(ADMIN),
    /** Hand out a time-limited download link, usable by anyone who holds it: not for viewers. */
    SHARE_ARTIFACT(DATA_SCIENTIST, ML_ENGINEER, VALIDATOR, ADMIN),
    /** Score a version on its golden set and record the outcome: before asking for approval, and before deciding. */
    CHECK_GOLDEN_SET(DATA_SCIENTIST, ML_ENGINEER, VALIDATOR),
    /**
     * Recording the ground truth of served predictions: the applications (service principals) and
     * engineers who learn outcomes; not the data scientists whose models the outcomes grade.
     */
    RECORD_LABEL(ML_ENGINEER, OUTCOME_RECORDER),
    /** Reading logged predictions, which hold customers' inputs. */
    READ_PREDICTIONS(DATA_SCIENTIST, ML_ENGINEER, VALIDATOR, ADMIN);

    private final Set<Role> roles;

    Permission(Role... roles) {
        this.roles = Collections.unmodifiableSet(EnumSet.of(roles[0], roles));
    }

    /** The roles that give this permission. */
    public Set<Role> roles() {
        return roles;
    }

    public boolean grantedToAnyOf(Set<Role> held) {
        for (Role r : held) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }
}
