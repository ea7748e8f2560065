/** Lineage: which data, code, parameters and environment produced a model version, and back. */
package io.mlops.api.lineage;
