package io.mlops.api.governance;

import io.mlops.api.InvalidArgumentException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model-risk inventory records about a registered model (SR 11-7, now SR 26-2). A validator
 * listed among the developers may not approve the model's versions.
 *
 * <pre>{@code
 * governance.setInventory("credit-risk", ModelInventory.builder()
 *         .owner("head-of-retail-credit")
 *         .developers(List.of("alice", "bob"))
 *         .validator("victor")
 *         .riskTier(RiskTier.TIER_1)
 *         .intendedUse("Probability of default for retail loan applications up to EUR 50k")
 *         .knownLimitations("Not validated for applicants with less than 6 months of history")
 *         .nextValidationDue(LocalDate.of(2027, 6, 30))
 *         .build());
 * }</pre>
 *
 * @param owner             the accountable business owner; empty when not yet named
 * @param developers        principals who built the model; never null
 * @param validator         the independent validator assigned; empty when not yet assigned
 * @param riskTier          materiality tier
 * @param intendedUse       what the model is for; empty when not yet written
 * @param knownLimitations  where it must not be relied on; empty when not yet written
 * @param nextValidationDue when the next periodic validation is due, if scheduled
 */
public record ModelInventory(String owner, List<String> developers, String validator, RiskTier riskTier,
        String intendedUse, String knownLimitations, Optional<LocalDate> nextValidationDue) {

    /** Nothing recorded yet. */
    public static final ModelInventory EMPTY = builder().build();

    public ModelInventory {
        owner = owner == null ? "" : owner.strip();
        developers = developers == null ? List.of() : List.copyOf(new LinkedHashSet<>(developers));
        for (String d : developers) {
            if (d.isBlank()) {
                throw new InvalidArgumentException("developer names must not be blank, got " + developers);
            }
        }
        validator = validator == null ? "" : validator.strip();
        riskTier = riskTier == null ? RiskTier.UNASSESSED : riskTier;
        intendedUse = intendedUse == null ? "" : intendedUse;
        knownLimitations = knownLimitations == null ? "" : knownLimitations;
        nextValidationDue = nextValidationDue == null ? Optional.empty() : nextValidationDue;
        if (!validator.isEmpty() && developers.contains(validator)) {
            throw new InvalidArgumentException("validator '" + validator + "' is also listed as a developer "
                    + developers + "; the validator must be independent of the model's development");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().owner(owner).developers(developers).validator(validator).riskTier(riskTier)
                .intendedUse(intendedUse).knownLimitations(knownLimitations)
                .nextValidationDue(nextValidationDue.orElse(null));
    }

    /** Not thread-safe. */
    public static final class Builder {
        private String owner;
        private List<String> developers = new ArrayList<>();
        private String validator;
        private RiskTier riskTier;
        private String intendedUse;
        private String knownLimitations;
        private LocalDate nextValidationDue;

        private Builder() {
        }

        public Builder owner(String owner) {
            this.owner = owner;
            return this;
        }

        public Builder developers(List<String> developers) {
            this.developers = new ArrayList<>(Objects.requireNonNull(developers, "developers"));
            return this;
        }

        public Builder validator(String validator) {
            this.validator = validator;
            return this;
        }

        public Builder riskTier(RiskTier riskTier) {
            this.riskTier = riskTier;
            return this;
        }

        public Builder intendedUse(String intendedUse) {
            this.intendedUse = intendedUse;
            return this;
        }

        public Builder knownLimitations(String knownLimitations) {
            this.knownLimitations = knownLimitations;
            return this;
        }

        /** {@code null} for not scheduled. */
        public Builder nextValidationDue(LocalDate due) {
            this.nextValidationDue = due;
            return this;
        }

        public ModelInventory build() {
            return new ModelInventory(owner, developers, validator, riskTier, intendedUse, knownLimitations,
                    Optional.ofNullable(nextValidationDue));
        }
    }
}
