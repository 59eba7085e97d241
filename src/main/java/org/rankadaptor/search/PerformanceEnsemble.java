package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.List;
import org.rankadaptor.stage.StageContext;

/**
 * One or more performance models trained on the same points from different seeds. With one member it is just that
 * model; with several, the spread of their predictions drives UCB picking (mean + kappa * std).
 */
public final class PerformanceEnsemble {

    /** Per-configuration mean and (population) standard deviation across members. */
    public record Prediction(float[] mean, float[] std) {
    }

    private final List<PerformanceModel> members;

    public PerformanceEnsemble(List<PerformanceModel> members) {
        if (members.isEmpty()) {
            throw new SearchException("performance ensemble: needs at least one member");
        }
        int inputs = members.get(0).inputSize();
        for (PerformanceModel m : members) {
            if (m.inputSize() != inputs) {
                throw new SearchException("performance ensemble: members disagree on input size (" + inputs + " vs "
                        + m.inputSize() + ")");
            }
        }
        this.members = List.copyOf(members);
    }

    public static PerformanceEnsemble create(ModelFactory factory, int size) {
        if (size <= 0) {
            throw new SearchException("performance ensemble: size must be positive, got " + size);
        }
        List<PerformanceModel> models = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            models.add(factory.create(i));
        }
        return new PerformanceEnsemble(models);
    }

    public int size() {
        return members.size();
    }

    public int inputSize() {
        return members.get(0).inputSize();
    }

    public PerformanceModel member(int i) {
        return members.get(i);
    }

    public void fit(List<Sample> samples, StageContext ctx) {
        for (PerformanceModel m : members) {
            m.fit(samples, ctx);
        }
    }

    public void update(List<Sample> samples, StageContext ctx) {
        for (PerformanceModel m : members) {
            m.update(samples, ctx);
        }
    }

    public double predictMean(float[] features) {
        double sum = 0;
        for (PerformanceModel m : members) {
            sum += m.predict(features);
        }
        return sum / members.size();
    }

    /** Mean and spread for row-major features. */
    public Prediction predict(float[] flatFeatures) {
        int rows = flatFeatures.length / inputSize();
        float[] mean = new float[rows];
        float[] std = new float[rows];
        if (members.size() == 1) {
            return new Prediction(members.get(0).predictFlat(flatFeatures), std);
        }
        float[][] all = new float[members.size()][];
        for (int i = 0; i < members.size(); i++) {
            all[i] = members.get(i).predictFlat(flatFeatures);
        }
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (float[] p : all) {
                s += p[r];
            }
            double m = s / all.length;
            double v = 0;
            for (float[] p : all) {
                v += (p[r] - m) * (p[r] - m);
            }
            mean[r] = (float) m;
            std[r] = (float) Math.sqrt(v / all.length);
        }
        return new Prediction(mean, std);
    }

    /** JSON array of member snapshots ({@link PerformanceModelCodec}). */
    public byte[] toBytes() {
        return PerformanceModelCodec.toBytes(members);
    }

    public static PerformanceEnsemble fromBytes(byte[] bytes) {
        return new PerformanceEnsemble(PerformanceModelCodec.listFromBytes(bytes));
    }
}
