package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.rankadaptor.stage.StageContext;

/**
 * Offline meta-learning of the performance model's initial weights from measurements of <em>other</em> tasks,
 * models or pruning settings, so the online search starts from a model that already knows how ranks tend to matter.
 *
 * <p><b>Method: Reptile</b> (Nichol et al. 2018). Each source task (one task name on one model pruned one way) is
 * z-scored on its own: scores of different tasks have different scales and offsets, and only the shape of
 * score-versus-ranks is meant to transfer. Each outer step picks a source task, draws {@code innerBatch} of its
 * points, copies the current init, runs {@code innerSteps} Adam steps on that copy (fresh optimiser state) and moves
 * the init a fraction epsilon toward the adapted copy; epsilon anneals linearly from {@code outerStepStart} to
 * {@code outerStepEnd}. The result is an init in normalised score units from which a few gradient steps fit a
 * related task well.
 *
 * <p><b>Adapting to the target task</b>: the returned model is marked pretrained. Its first {@code fit} does not
 * z-score the target's few points (three points give a poor mean and spread); it regresses the target scores on
 * the init's normalised predictions to get the target's offset and scale (falling back to the z-score when that
 * regression is degenerate), then trains at most {@code adaptationEpochs} steps per fit/update, so predictions are
 * de-normalised into the target's units.
 */
public final class MetaLearner {

    /** Training points of one source task, scores in the task's own units. */
    public record SourceTask(String name, List<Sample> samples) {
        public SourceTask {
            samples = List.copyOf(samples);
        }
    }

    private static final int MIN_TASK_POINTS = 3;
    private final MetaLearningConfig config;

    public MetaLearner(MetaLearningConfig config) {
        this.config = config;
    }

    public MetaLearningConfig config() {
        return config;
    }

    /** Reptile pre-training; {@code seed} drives the init weights and the task/point draws. */
    public PerformanceModel pretrain(List<SourceTask> tasks, int inputSize, long seed, StageContext ctx) {
        List<float[]> taskX = new ArrayList<>();
        List<float[]> taskY = new ArrayList<>();
        for (SourceTask task : tasks) {
            if (task.samples().size() < MIN_TASK_POINTS) {
                continue;
            }
            float[][] normalised = normalise(task, inputSize);
            taskX.add(normalised[0]);
            taskY.add(normalised[1]);
        }
        if (taskX.isEmpty()) {
            throw new SearchException("meta-learning: no source task with at least " + MIN_TASK_POINTS
                    + " measurements (got " + tasks.size() + " tasks)");
        }
        PerformanceModel init = PerformanceModel.create(inputSize, config.model().withSeed(seed));
        Random random = new Random(seed);
        int iterations = config.metaIterations();
        for (int it = 0; it < iterations; it++) {
            if (it % 20 == 0) {
                ctx.checkCancelled("meta-learning");
                ctx.report("meta-learning", it, iterations, "Reptile outer step " + it);
            }
            int t = random.nextInt(taskX.size());
            float[][] batch = drawBatch(taskX.get(t), taskY.get(t), inputSize, random);
            PerformanceModel adapted = init.copy();
            adapted.resetOptimizer();
            adapted.trainSteps(batch[0], batch[1], config.innerSteps(), config.model().learningRate());
            double progress = iterations == 1 ? 0 : it / (double) (iterations - 1);
            double epsilon = config.outerStepStart() + (config.outerStepEnd() - config.outerStepStart()) * progress;
            init.moveToward(adapted, epsilon);
        }
        ctx.report("meta-learning", iterations, iterations, "done on " + taskX.size() + " source tasks");
        PerformanceModel result = init.withConfig(config.model().withSeed(seed)
                .withMaxEpochs(config.adaptationEpochs()));
        result.markPretrained();
        return result;
    }

    /**
     * Model factory for {@link RankSearch}: member i gets its own Reptile init (seed + 1000 i), computed on first
     * use and then copied.
     */
    public ModelFactory factory(List<SourceTask> tasks, int inputSize, long seed, StageContext ctx) {
        Map<Integer, PerformanceModel> cache = new HashMap<>();
        return memberIndex -> cache.computeIfAbsent(memberIndex,
                i -> pretrain(tasks, inputSize, seed + 1000L * i, ctx)).copy();
    }

    /**
     * Source tasks from imported measurements: rows are grouped by (model, pruning, task name); rows whose rank
     * vector length differs from the encoder's layer count are skipped (they belong to other architectures), as
     * are the tasks in {@code excludedTasks} (typically the target task). When the encoder carries per-layer
     * pruning features, each row supplies its own from {@code pruning.keptFraction}.
     */
    public static List<SourceTask> sourceTasks(List<Measurement> rows, RankEncoder encoder,
                                               Set<String> excludedTasks) {
        int featureWidth = encoder.layerFeatures().length;
        Map<String, List<Sample>> groups = new LinkedHashMap<>();
        for (Measurement row : rows) {
            if (row.ranks().length != encoder.layerCount()) {
                continue;
            }
            RankEncoder rowEncoder = encoder;
            if (featureWidth > 0) {
                float[] kept = row.keptFractions();
                if (kept.length != featureWidth) {
                    throw new MeasurementFormatException(row.source() + ": pruning.keptFraction has " + kept.length
                            + " entries, the target encoder expects " + featureWidth);
                }
                rowEncoder = encoder.withLayerFeatures(kept);
            }
            float[] features = rowEncoder.encode(row.ranks());
            for (Map.Entry<String, Double> score : row.scores().entrySet()) {
                if (excludedTasks.contains(score.getKey())) {
                    continue;
                }
                groups.computeIfAbsent(row.groupKey() + " task=" + score.getKey(), k -> new ArrayList<>())
                        .add(new Sample(features, score.getValue()));
            }
        }
        List<SourceTask> tasks = new ArrayList<>();
        groups.forEach((name, samples) -> tasks.add(new SourceTask(name, samples)));
        return tasks;
    }

    /** Features (flat) and z-scored targets of one task. */
    private static float[][] normalise(SourceTask task, int inputSize) {
        List<Sample> samples = task.samples();
        int n = samples.size();
        float[] x = new float[n * inputSize];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            if (s.featureCount() != inputSize) {
                throw new SearchException("meta-learning: task '" + task.name() + "' sample " + i + " has "
                        + s.featureCount() + " features, expected " + inputSize);
            }
            System.arraycopy(s.features(), 0, x, i * inputSize, inputSize);
            mean += s.score();
        }
        mean /= n;
        double var = 0;
        for (Sample s : samples) {
            var += (s.score() - mean) * (s.score() - mean);
        }
        double sd = Math.sqrt(var / n);
        if (sd < 1e-9) {
            sd = 1;
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (float) ((samples.get(i).score() - mean) / sd);
        }
        return new float[][] {x, y};
    }

    private float[][] drawBatch(float[] x, float[] y, int inputSize, Random random) {
        int n = y.length;
        int size = Math.min(config.innerBatch(), n);
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        float[] bx = new float[size * inputSize];
        float[] by = new float[size];
        for (int i = 0; i < size; i++) {
            System.arraycopy(x, order[i] * inputSize, bx, i * inputSize, inputSize);
            by[i] = y[order[i]];
        }
        return new float[][] {bx, by};
    }
}
