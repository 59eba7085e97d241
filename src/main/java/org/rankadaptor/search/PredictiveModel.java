package org.rankadaptor.search;

import java.util.List;
import org.rankadaptor.stage.StageContext;

/**
 * A model of score as a function of encoded configuration, for {@link PerformanceModelCheck}: fit on samples,
 * predict a mean and, where the model has one, a predictive standard deviation (NaN otherwise).
 */
public interface PredictiveModel {

    /** Per-row mean and predictive standard deviation. */
    record Prediction(double[] mean, double[] std) {
    }

    void fit(List<Sample> samples, StageContext ctx);

    Prediction predict(float[][] rows);

    /** The surrogates {@code perf-model check} compares; each is selectable by name. */
    enum Kind {
        /** One 32-32-32-1 MLP, the paper's model: no spread. */
        MLP("mlp"),
        /** The search's default: five MLPs from different seeds, spread = their standard deviation. */
        MLP_ENSEMBLE("mlp-ensemble"),
        /** Linear ridge regression on standardised features; spread = training residual sd. */
        RIDGE("ridge"),
        /** Gaussian process with an RBF kernel and a fitted noise term; spread = predictive sd incl. noise. */
        GAUSSIAN_PROCESS("gp");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.label.equalsIgnoreCase(text.trim())) {
                    return k;
                }
            }
            throw new SearchException("surrogate must be mlp, mlp-ensemble, ridge or gp, got '" + text + "'");
        }

        /** A fresh, unfitted surrogate for {@code inputSize} features. */
        public PredictiveModel create(int inputSize, long seed) {
            return switch (this) {
                case MLP -> new EnsembleModel(PerformanceEnsemble.create(
                        ModelFactory.coldStart(inputSize, ModelConfig.defaults().withSeed(seed)), 1));
                case MLP_ENSEMBLE -> new EnsembleModel(PerformanceEnsemble.create(
                        ModelFactory.coldStart(inputSize, ModelConfig.defaults().withSeed(seed)), 5));
                case RIDGE -> new RidgeModel(1.0);
                case GAUSSIAN_PROCESS -> new GaussianProcessModel();
            };
        }
    }

    /** The search's own MLP ensemble behind the surrogate interface. */
    final class EnsembleModel implements PredictiveModel {
        private final PerformanceEnsemble ensemble;

        EnsembleModel(PerformanceEnsemble ensemble) {
            this.ensemble = ensemble;
        }

        @Override
        public void fit(List<Sample> samples, StageContext ctx) {
            ensemble.fit(samples, ctx);
        }

        @Override
        public Prediction predict(float[][] rows) {
            int width = ensemble.inputSize();
            float[] flat = new float[rows.length * width];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * width, width);
            }
            PerformanceEnsemble.Prediction p = ensemble.predict(flat);
            double[] mean = new double[rows.length];
            double[] std = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                mean[i] = p.mean()[i];
                std[i] = ensemble.size() > 1 ? p.std()[i] : Double.NaN;
            }
            return new Prediction(mean, std);
        }
    }
}
