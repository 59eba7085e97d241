package org.rankadaptor.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.rankadaptor.stage.StageContext;

/**
 * {@code perf-model check}: how well each surrogate ranks configurations it has not seen. Configurations (with all
 * their repeated measurements) are split into training and held-out sets, either K-fold or, with a training size
 * N, K random splits of N training configurations each; every model is fit on the training repeats and scored
 * on the held-out configurations' mean scores: Spearman and Kendall (tau-b) correlation, mean absolute error, and
 * calibration (share of held-out means within 1 and 2 predicted sigma). With random splits the figures are the
 * mean and sd over splits; with K-fold they are computed once over all held-out predictions (sd null).
 */
public final class PerformanceModelCheck {
    /** Version of the JSON shape; bump on any incompatible change. */
    public static final String FORMAT = "rankadaptor-perf-model-check/1";
    static final String STEP = "perf-model-check";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PerformanceModelCheck() {
    }

    /** One configuration with every measured score (one per repeat). */
    public record Point(int[] ranks, double[] scores) {
        public Point {
            ranks = ranks.clone();
            scores = scores.clone();
            if (scores.length == 0) {
                throw new SearchException("perf-model check: configuration " + Arrays.toString(ranks)
                        + " has no score");
            }
        }

        @Override
        public int[] ranks() {
            return ranks.clone();
        }

        @Override
        public double[] scores() {
            return scores.clone();
        }

        public double mean() {
            return Arrays.stream(scores).average().orElseThrow();
        }
    }

    /** Which inputs the surrogates see. */
    public enum Features {
        /** Ranks scaled to [0, 1] (the paper's input). */
        RANKS("ranks"),
        /** Ranks, then the total rank and each layer's kept fraction (when known). */
        RANKS_TOTAL_KEPT("ranks+total+kept");

        private final String label;

        Features(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Features parse(String text) {
            for (Features f : values()) {
                if (f.label.equalsIgnoreCase(text.trim())) {
                    return f;
                }
            }
            throw new SearchException("features must be ranks or ranks+total+kept, got '" + text + "'");
        }
    }

    /**
     * @param trainSize training configurations per split; 0 = K-fold cross-validation
     * @param folds     K: folds, or random splits when trainSize > 0
     * @param models    surrogates to compare, in report order
     */
    public record Protocol(int trainSize, int folds, long seed, Features features, List<PredictiveModel.Kind> models) {
        public Protocol {
            models = List.copyOf(models);
            if (folds < 2 && trainSize == 0) {
                throw new SearchException("perf-model check: K-fold needs --folds >= 2, got " + folds);
            }
            if (folds < 1 || trainSize < 0 || models.isEmpty()) {
                throw new SearchException("perf-model check: folds must be >= 1, train >= 0 and a model chosen");
            }
        }

        /** 5-fold, every surrogate, ranks only. */
        public static Protocol defaults() {
            return new Protocol(0, 5, 42, Features.RANKS, List.of(PredictiveModel.Kind.values()));
        }
    }

    /** Mean and sample sd of a metric over folds. */
    public record Summary(double mean, double std, int folds) {
        static Summary of(double[] values) {
            double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
            double m = Arrays.stream(finite).average().orElse(Double.NaN);
            double v = 0;
            for (double x : finite) {
                v += (x - m) * (x - m);
            }
            return new Summary(m, finite.length > 1 ? Math.sqrt(v / (finite.length - 1)) : Double.NaN, finite.length);
        }
    }

    /** One held-out prediction, for the scatter plot. */
    public record HeldOut(int fold, int[] ranks, double measured, double predicted, double sigma) {
    }

    public record ModelScore(PredictiveModel.Kind model, Summary spearman, Summary kendall, Summary mae,
                             double withinOneSigma, double withinTwoSigma, List<HeldOut> heldOut) {
        public ModelScore {
            heldOut = List.copyOf(heldOut);
        }
    }

    public record Report(String source, int layers, int configurations, int measurements, SeedNoise noise,
                         double configurationSpread, Protocol protocol, List<ModelScore> models) {
        public Report {
            models = List.copyOf(models);
        }

        /** The model with the highest mean held-out Spearman. */
        public ModelScore best() {
            ModelScore best = models.get(0);
            for (ModelScore m : models) {
                if (m.spearman().mean() > best.spearman().mean()) {
                    best = m;
                }
            }
            return best;
        }

        /** The documented stable shape (docs/RANKADAPTOR_METHOD.md, "Performance-model check"). */
        public ObjectNode toJson() {
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("source", source);
            root.put("layers", layers);
            root.put("configurations", configurations);
            root.put("measurements", measurements);
            ObjectNode noiseNode = root.putObject("noise");
            number(noiseNode, "pooledStd", noise.pooledStd());
            noiseNode.put("degreesOfFreedom", noise.degreesOfFreedom());
            number(root, "configurationSpread", configurationSpread);
            ObjectNode p = root.putObject("protocol");
            p.put("split", protocol.trainSize() == 0 ? "k-fold" : "random-train");
            if (protocol.trainSize() == 0) {
                p.putNull("train");
            } else {
                p.put("train", protocol.trainSize());
            }
            p.put("folds", protocol.folds());
            p.put("seed", protocol.seed());
            p.put("features", protocol.features().label());
            ArrayNode models = root.putArray("models");
            for (ModelScore m : this.models) {
                ObjectNode node = models.addObject();
                node.put("name", m.model().label());
                summary(node.putObject("spearman"), m.spearman());
                summary(node.putObject("kendall"), m.kendall());
                summary(node.putObject("mae"), m.mae());
                number(node, "within1Sigma", m.withinOneSigma());
                number(node, "within2Sigma", m.withinTwoSigma());
                ArrayNode held = node.putArray("heldOut");
                for (HeldOut h : m.heldOut()) {
                    ObjectNode row = held.addObject();
                    row.put("fold", h.fold());
                    ArrayNode ranks = row.putArray("ranks");
                    Arrays.stream(h.ranks()).forEach(ranks::add);
                    number(row, "measured", h.measured());
                    number(row, "predicted", h.predicted());
                    number(row, "sigma", h.sigma());
                }
            }
            root.put("best", best().model().label());
            return root;
        }

        /** A fixed-width table, one row per model. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%s: %d configurations, %d measurements, %d layers%n", source,
                    configurations, measurements, layers));
            sb.append(String.format(Locale.ROOT, "seed noise sd %s (%d df); spread of configuration means sd %.4f%n",
                    fmt(noise.pooledStd()), noise.degreesOfFreedom(), configurationSpread));
            sb.append(String.format(Locale.ROOT, "protocol: %s, %d %s, features %s, seed %d%n",
                    protocol.trainSize() == 0 ? "k-fold" : "train " + protocol.trainSize() + " configurations",
                    protocol.folds(), protocol.trainSize() == 0 ? "folds" : "random splits",
                    protocol.features().label(), protocol.seed()));
            sb.append(String.format(Locale.ROOT, "%-13s %-15s %-15s %-15s %8s %8s%n", "model", "spearman", "kendall",
                    "mae", "in 1sd", "in 2sd"));
            for (ModelScore m : models) {
                sb.append(String.format(Locale.ROOT, "%-13s %-15s %-15s %-15s %8s %8s%n", m.model().label(),
                        pm(m.spearman()), pm(m.kendall()), pm(m.mae()), fmt(m.withinOneSigma()),
                        fmt(m.withinTwoSigma())));
            }
            sb.append("best on held-out Spearman: ").append(best().model().label()).append('\n');
            return sb.toString();
        }

        private static String pm(Summary s) {
            return String.format(Locale.ROOT, "%.3f +- %s", s.mean(), Double.isNaN(s.std()) ? "-" : String.format(
                    Locale.ROOT, "%.3f", s.std()));
        }

        private static String fmt(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
        }

        private static void summary(ObjectNode node, Summary s) {
            number(node, "mean", s.mean());
            number(node, "std", s.std());
            node.put("folds", s.folds());
        }

        private static void number(ObjectNode node, String field, double v) {
            if (Double.isFinite(v)) {
                node.put(field, v);
            } else {
                node.putNull(field);
            }
        }
    }

    /**
     * @param keptFractions one kept fraction per layer for {@link Features#RANKS_TOTAL_KEPT}; empty when unknown
     */
    public static Report run(String source, List<Point> points, float[] keptFractions, Protocol protocol,
                             StageContext ctx) {
        if (points.size() < 3) {
            throw new SearchException("perf-model check: " + source + " has " + points.size()
                    + " distinct configurations; need at least 3");
        }
        int layers = points.get(0).ranks().length;
        int minRank = Integer.MAX_VALUE;
        int maxRank = Integer.MIN_VALUE;
        for (Point p : points) {
            if (p.ranks().length != layers) {
                throw new SearchException("perf-model check: " + source + " mixes rank vectors of " + layers
                        + " and " + p.ranks().length + " layers");
            }
            for (int r : p.ranks()) {
                minRank = Math.min(minRank, r);
                maxRank = Math.max(maxRank, r);
            }
        }
        if (protocol.trainSize() >= points.size()) {
            throw new SearchException("perf-model check: --train " + protocol.trainSize() + " leaves nothing held out of "
                    + points.size() + " configurations");
        }
        FeatureEncoder encoder = new FeatureEncoder(new RankEncoder(layers, minRank, Math.max(maxRank, minRank + 1),
                new float[0]), protocol.features(), keptFractions);
        List<int[]> splits = splits(points.size(), protocol);
        List<ModelScore> scores = new ArrayList<>();
        int work = 0;
        for (PredictiveModel.Kind kind : protocol.models()) {
            double[] spearman = new double[splits.size()];
            double[] kendall = new double[splits.size()];
            double[] mae = new double[splits.size()];
            List<HeldOut> held = new ArrayList<>();
            for (int f = 0; f < splits.size(); f++) {
                ctx.checkCancelled(STEP);
                ctx.report(STEP, work++, protocol.models().size() * splits.size(), kind.label() + " split " + (f + 1));
                int[] assignment = splits.get(f);
                List<Sample> train = new ArrayList<>();
                List<Point> test = new ArrayList<>();
                for (int i = 0; i < points.size(); i++) {
                    if (assignment[i] == 0) {
                        float[] x = encoder.encode(points.get(i).ranks());
                        for (double s : points.get(i).scores()) {
                            train.add(new Sample(x, s));
                        }
                    } else {
                        test.add(points.get(i));
                    }
                }
                PredictiveModel model = kind.create(encoder.featureCount(), protocol.seed() + f);
                model.fit(train, ctx);
                float[][] rows = new float[test.size()][];
                double[] measured = new double[test.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = encoder.encode(test.get(i).ranks());
                    measured[i] = test.get(i).mean();
                }
                PredictiveModel.Prediction prediction = model.predict(rows);
                spearman[f] = spearman(prediction.mean(), measured);
                kendall[f] = kendallTauB(prediction.mean(), measured);
                mae[f] = meanAbsoluteError(prediction.mean(), measured);
                for (int i = 0; i < rows.length; i++) {
                    held.add(new HeldOut(f, test.get(i).ranks(), measured[i], prediction.mean()[i],
                            prediction.std()[i]));
                }
            }
            if (protocol.trainSize() == 0) {
                // K-fold: every configuration is held out once, so rank all held-out predictions together
                // (folds of a few points have no meaningful correlation of their own)
                double[] p = held.stream().mapToDouble(HeldOut::predicted).toArray();
                double[] m = held.stream().mapToDouble(HeldOut::measured).toArray();
                scores.add(new ModelScore(kind, new Summary(spearman(p, m), Double.NaN, splits.size()),
                        new Summary(kendallTauB(p, m), Double.NaN, splits.size()),
                        new Summary(meanAbsoluteError(p, m), Double.NaN, splits.size()),
                        coverage(held, 1), coverage(held, 2), held));
            } else {
                scores.add(new ModelScore(kind, Summary.of(spearman), Summary.of(kendall), Summary.of(mae),
                        coverage(held, 1), coverage(held, 2), held));
            }
        }
        int measurements = points.stream().mapToInt(p -> p.scores().length).sum();
        List<double[]> groups = points.stream().map(Point::scores).toList();
        double[] means = points.stream().mapToDouble(Point::mean).toArray();
        ctx.report(STEP, work, work, "done");
        return new Report(source, layers, points.size(), measurements, SeedNoise.ofGroups(groups), sampleStd(means),
                protocol, scores);
    }

    /** Points and kept fractions of one pruned model's rows in a measurement file. */
    public record MeasuredModel(List<Point> points, float[] keptFractions) {
    }

    /**
     * Groups measurement-file rows by configuration (repeats = rows with the same ranks). The score of a row is
     * {@code task}'s, or the mean over the row's tasks when {@code task} is null. All rows must come from one
     * model pruned one way: a check across models would mix their score levels.
     */
    public static MeasuredModel pointsOf(List<Measurement> rows, String task, String source) {
        if (rows.isEmpty()) {
            throw new SearchException("perf-model check: " + source + " holds no measurements");
        }
        java.util.Set<String> groups = new java.util.TreeSet<>();
        java.util.Map<String, List<Double>> scores = new java.util.LinkedHashMap<>();
        java.util.Map<String, int[]> ranks = new java.util.HashMap<>();
        for (Measurement m : rows) {
            groups.add(m.groupKey());
            double score;
            if (task == null) {
                score = m.scores().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            } else if (m.scores().containsKey(task)) {
                score = m.scores().get(task);
            } else {
                throw new SearchException("perf-model check: " + m.source() + " has no score for task '" + task
                        + "' (it has " + m.scores().keySet() + ")");
            }
            String key = Arrays.toString(m.ranks());
            scores.computeIfAbsent(key, k -> new ArrayList<>()).add(score);
            ranks.put(key, m.ranks());
        }
        if (groups.size() > 1) {
            throw new SearchException("perf-model check: " + source + " mixes " + groups.size()
                    + " models or prunings (" + String.join("; ", groups) + "); check one at a time");
        }
        List<Point> points = new ArrayList<>();
        scores.forEach((key, list) -> points.add(new Point(ranks.get(key),
                list.stream().mapToDouble(Double::doubleValue).toArray())));
        Measurement first = rows.get(0);
        float[] kept = first.pruning().has("keptFraction") || first.pruning().has("kept_fraction")
                ? first.keptFractions() : new float[0];
        return new MeasuredModel(points, kept);
    }

    /** Per split, 0 = train and 1 = held out, for each configuration. */
    static List<int[]> splits(int n, Protocol protocol) {
        List<int[]> out = new ArrayList<>();
        if (protocol.trainSize() == 0) {
            int[] order = permutation(n, new SplittableRandom(protocol.seed()));
            int folds = Math.min(protocol.folds(), n);
            for (int f = 0; f < folds; f++) {
                int[] assignment = new int[n];
                for (int i = 0; i < n; i++) {
                    assignment[order[i]] = i % folds == f ? 1 : 0;
                }
                out.add(assignment);
            }
            return out;
        }
        for (int f = 0; f < protocol.folds(); f++) {
            int[] order = permutation(n, new SplittableRandom(protocol.seed() + f));
            int[] assignment = new int[n];
            for (int i = 0; i < n; i++) {
                assignment[order[i]] = i < protocol.trainSize() ? 0 : 1;
            }
            out.add(assignment);
        }
        return out;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Pearson correlation of the average ranks (ties share their mean rank). */
    public static double spearman(double[] a, double[] b) {
        return pearson(averageRanks(a), averageRanks(b));
    }

    /** Kendall's tau-b: (concordant - discordant) / sqrt((n0 - ties a) (n0 - ties b)). */
    public static double kendallTauB(double[] a, double[] b) {
        long concordant = 0;
        long discordant = 0;
        long tiesA = 0;
        long tiesB = 0;
        int n = a.length;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double da = Math.signum(a[i] - a[j]);
                double db = Math.signum(b[i] - b[j]);
                if (da == 0 && db == 0) {
                    tiesA++;
                    tiesB++;
                } else if (da == 0) {
                    tiesA++;
                } else if (db == 0) {
                    tiesB++;
                } else if (da == db) {
                    concordant++;
                } else {
                    discordant++;
                }
            }
        }
        long pairs = (long) n * (n - 1) / 2;
        double denominator = Math.sqrt((double) (pairs - tiesA) * (pairs - tiesB));
        return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
    }

    public static double meanAbsoluteError(double[] predicted, double[] measured) {
        double s = 0;
        for (int i = 0; i < predicted.length; i++) {
            s += Math.abs(predicted[i] - measured[i]);
        }
        return s / predicted.length;
    }

    /** Share of held-out points with |measured - predicted| <= k sigma; NaN when the model has no spread. */
    static double coverage(List<HeldOut> held, double k) {
        int inside = 0;
        int counted = 0;
        for (HeldOut h : held) {
            if (Double.isFinite(h.sigma())) {
                counted++;
                inside += Math.abs(h.measured() - h.predicted()) <= k * h.sigma() ? 1 : 0;
            }
        }
        return counted == 0 ? Double.NaN : (double) inside / counted;
    }

    static double[] averageRanks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = Arrays.stream(a).average().orElse(Double.NaN);
        double mb = Arrays.stream(b).average().orElse(Double.NaN);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    private static double sampleStd(double[] v) {
        double m = Arrays.stream(v).average().orElse(Double.NaN);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return v.length > 1 ? Math.sqrt(s / (v.length - 1)) : Double.NaN;
    }

    /** Ranks as {@link RankEncoder} scales them, optionally followed by total rank and kept fractions. */
    static final class FeatureEncoder {
        private final RankEncoder ranks;
        private final Features features;
        private final float[] kept;

        FeatureEncoder(RankEncoder ranks, Features features, float[] keptFractions) {
            this.ranks = ranks;
            this.features = features;
            this.kept = keptFractions.clone();
            if (kept.length != 0 && kept.length != ranks.layerCount()) {
                throw new SearchException("perf-model check: " + kept.length + " kept fractions for "
                        + ranks.layerCount() + " layers");
            }
        }

        int featureCount() {
            return ranks.featureCount() + (features == Features.RANKS ? 0 : 1 + kept.length);
        }

        float[] encode(int[] r) {
            float[] base = ranks.encode(r);
            if (features == Features.RANKS) {
                return base;
            }
            float[] out = Arrays.copyOf(base, featureCount());
            double total = 0;
            for (float v : base) {
                total += v;
            }
            out[base.length] = (float) (total / base.length);
            System.arraycopy(kept, 0, out, base.length + 1, kept.length);
            return out;
        }
    }
}
