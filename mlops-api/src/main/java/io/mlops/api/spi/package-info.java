/**
 * Service-provider interfaces: what a metadata store, an artifact store or a model flavor
 * implements to plug into the SDK. Applications use {@code io.mlops.api.tracking},
 * {@code io.mlops.api.registry} and {@code io.mlops.api.serving} instead.
 *
 * <p>Providers do I/O only. Validation, naming rules, authorization and the sequencing of
 * operations live in the core, which calls these interfaces with values it has already checked.
 * Every implementation must pass the contract tests in {@code mlops-tck}.
 */
package io.mlops.api.spi;
