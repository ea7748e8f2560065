/**
 * Tribuo integration: {@link io.mlops.tribuo.TribuoModels} logs a trained Tribuo model into a run
 * (trainer configuration, training data digest, metrics, provenance) and registers it as ONNX with
 * its provenance inside. Everything else in the package is package-private.
 *
 * <pre>{@code
 * try (ActiveRun run = mlops.tracking().startRun("credit-risk")) {
 *     LinearSGDModel model = new LogisticRegressionTrainer().train(train);
 *     TribuoModels.log(run, model, new LabelEvaluator().evaluate(model, test));
 *     TribuoModels.register(mlops, run, "credit-risk", model, "LR baseline");
 *     run.finish();
 * }
 * }</pre>
 */
package io.mlops.tribuo;
