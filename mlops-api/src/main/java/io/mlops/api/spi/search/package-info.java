/**
 * The parsed form of a run search that the core hands to a {@link io.mlops.api.spi.TrackingStore}:
 * the filter text has already been parsed and checked, so a store only translates these values
 * into its own query language, always with bound parameters.
 */
package io.mlops.api.spi.search;
