package io.mlops.api.governance;

/**
 * Model risk tier for the inventory, as a bank's model risk policy assigns it (SR 11-7 / SR 26-2
 * ask for a risk-based inventory; tier 1 is the most material).
 */
public enum RiskTier {
    TIER_1,
    TIER_2,
    TIER_3,
    /** Not yet assessed. */
    UNASSESSED
}
