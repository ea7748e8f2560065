/** An embedded HTTP endpoint serving the models of a {@link io.mlops.serving.ModelServer}. */
package io.mlops.http;
