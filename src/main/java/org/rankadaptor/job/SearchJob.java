package org.rankadaptor.job;

import org.rankadaptor.stage.StageContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Projection;
import org.rankadaptor.prune.LayerSelection;
import org.rankadaptor.prune.PruningResult;
import org.rankadaptor.search.InMemorySearchJournal;
import org.rankadaptor.search.LayerImportance;
import org.rankadaptor.search.PerformanceEnsemble;
import org.rankadaptor.search.MeasurementScheduler;
import org.rankadaptor.search.MeasurementFile;
import org.rankadaptor.search.MetaLearner;
import org.rankadaptor.search.MetaLearningConfig;
import org.rankadaptor.search.ModelConfig;
import org.rankadaptor.search.ModelFactory;
import org.rankadaptor.search.RankEncoder;
import org.rankadaptor.search.RankExport;
import org.rankadaptor.search.Proposal;
import org.rankadaptor.search.RankSearch;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchJournal;
import org.rankadaptor.search.SearchResult;
import org.rankadaptor.search.SearchSettings;
import org.rankadaptor.search.SearchSpace;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.NewSearch;
import org.rankadaptor.store.Search;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.search.Measurement;
import org.rankadaptor.store.RunRef;
import org.rankadaptor.store.RunKind;
import org.rankadaptor.search.AlphaForRank;
import org.rankadaptor.lora.RankPlan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** RankAdaptor end to end: space from the pruned model, performance model (meta-learned or cold), online loop, export. */
public final class SearchJob {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A finished search: the loop's result, where it was stored and exported, and each layer's rank importance to
     * the final performance model ({@link LayerImportance#permutation}, one value per layer, objective units).
     */
    public record Outcome(SearchResult result, Long searchId, Path outDir, double[] layerImportance) {
        public Outcome {
            layerImportance = layerImportance.clone();
        }

        @Override
        public double[] layerImportance() {
            return layerImportance.clone();
        }
    }

    static final String IMPORTANCE_STEP = "layer-importance";

    private SearchJob() {
    }

    /** A new search, measured in this process. {@code onIteration} sees each iteration right after it is committed. */
    public static Outcome run(SearchRequest request, StageContext ctx, Recording recording,
                              Consumer<SearchIteration> onIteration) {
        return run(request, ctx, recording, onIteration, MeasurementBackend.inProcess(request.placement(),
                request.settings()::repeatsFor));
    }

    /** A new search whose candidates {@code backend} measures (in this process, or K at a time on workers). */
    public static Outcome run(SearchRequest request, StageContext ctx, Recording recording,
                              Consumer<SearchIteration> onIteration, MeasurementBackend backend) {
        if (recording.workspace().isEmpty()) {
            return execute(request, new InMemorySearchJournal(), null, ctx, onIteration, null, backend,
                    "search-" + UUID.randomUUID());
        }
        Workspace ws = recording.workspace().get();
        ModelRecord model = ModelCatalog.register(ws, request.modelDir());
        long searchId = ws.searches().create(new NewSearch(model.id(), PruneJob.json(describe(request)),
                PruneJob.json(request.budget()), request.objective().toString(), PruneJob.json(request.fidelity()))).id();
        return TrackedRun.run(ws.searches(), searchId, () -> execute(request,
                new StoreSearchJournal(ws.searches(), searchId), searchId, ctx, onIteration, ws, backend,
                searchKey(ws, searchId)));
    }

    /** Continues an interrupted or cancelled search from its last committed iteration, in this process. */
    public static Outcome resume(long searchId, SearchRequest request, StageContext ctx, Workspace ws,
                                 Consumer<SearchIteration> onIteration) {
        return resume(searchId, request, ctx, ws, onIteration, MeasurementBackend.inProcess(request.placement(),
                request.settings()::repeatsFor));
    }

    /**
     * Continues an interrupted search: proposals still PENDING are sent again, and a cluster backend first picks up
     * results workers finished while no coordinator was running.
     */
    public static Outcome resume(long searchId, SearchRequest request, StageContext ctx, Workspace ws,
                                 Consumer<SearchIteration> onIteration, MeasurementBackend backend) {
        Search stored = ws.searches().get(searchId);
        if (!stored.objective().equals(request.objective().toString())) {
            throw new IllegalArgumentException("search " + searchId + " optimised " + stored.objective()
                    + ", not " + request.objective() + ": resume it with the same settings");
        }
        String storedStrategy = strategyOf(stored);
        if (!storedStrategy.equals(request.settings().strategy().name())) {
            throw new IllegalArgumentException("search " + searchId + " used --strategy "
                    + storedStrategy.toLowerCase(java.util.Locale.ROOT) + ", not "
                    + request.settings().strategy().label() + ": resume it with the same settings");
        }
        return TrackedRun.run(ws.searches(), searchId, () -> execute(request,
                new StoreSearchJournal(ws.searches(), searchId), searchId, ctx, onIteration, ws, backend,
                searchKey(ws, searchId)));
    }

    /** Names a stored search on a cluster: the same for every resume, different for another workspace. */
    public static String searchKey(Workspace ws, long searchId) {
        String where = ws.directory().toAbsolutePath().normalize().toString();
        return "search-" + searchId + "-" + Integer.toHexString(where.hashCode());
    }

    private static Outcome execute(SearchRequest request, SearchJournal journal, Long searchId, StageContext ctx,
                                   Consumer<SearchIteration> onIteration, Workspace ws, MeasurementBackend backend,
                                   String searchKey) {
        LlamaConfig config = CheckpointLoader.readConfig(request.modelDir());
        Optional<PruningResult> pruning = pruning(request.modelDir());
        SearchSpace space = space(request, config, pruning);
        RankEncoder encoder = RankEncoder.forSpace(space);
        ModelFactory factory = factory(request, encoder, ctx);
        try (MeasurementScheduler scheduler = backend.open(MeasurementSetup.of(request), searchKey, ctx)) {
            SearchResult result = new RankSearch(space, encoder, factory, request.settings())
                    .run(scheduler, notifying(journal, onIteration), ctx);
            ctx.report(IMPORTANCE_STEP, 0, 1, "rank importance per layer through the performance model");
            double[] importance = LayerImportance.permutation(PerformanceEnsemble.fromBytes(result.modelSnapshot()),
                    encoder, space, LayerImportance.DEFAULT_SAMPLES, request.settings().seed());
            export(request, result, importance, pruning.map(SearchJob::pruningSummary).orElse(null), searchId, ws);
            return new Outcome(result, searchId, request.outDir(), importance);
        }
    }

    /** The model's pruning.json, read once per search: it says which layers to search and goes into the export. */
    private static Optional<PruningResult> pruning(Path modelDir) {
        Path file = modelDir.resolve(PruningResult.FILE);
        return Files.exists(file) ? Optional.of(PruningResult.read(file)) : Optional.empty();
    }

    static SearchSpace space(SearchRequest request, LlamaConfig config, Optional<PruningResult> pruning) {
        int[] searched = request.searchedLayers().isEmpty()
                ? prunedLayers(pruning, config.numLayers())
                : request.searchedLayers().stream().mapToInt(Integer::intValue).toArray();
        return new SearchSpace(config.numLayers(), searched, request.rankCandidates(), request.fixedRank(),
                RankPlan.paramsPerUnitRank(config, request.lora().targets()), request.budget());
    }

    /** Layers pruning.json records as pruned; every layer when the model was not pruned here. */
    private static int[] prunedLayers(Optional<PruningResult> pruning, int numLayers) {
        if (pruning.isPresent() && pruning.get().layers() != null && pruning.get().removedBlocks() == null) {
            int[] pruned = pruning.get().layers().stream()
                    .filter(l -> l.removedAttentionGroups().length > 0 || l.removedMlpChannels().length > 0)
                    .mapToInt(LayerSelection::layer).toArray();
            if (pruned.length > 0) {
                return pruned;
            }
        }
        int[] all = new int[numLayers];
        for (int i = 0; i < numLayers; i++) {
            all[i] = i;
        }
        return all;
    }

    private static ModelFactory factory(SearchRequest request, RankEncoder encoder, StageContext ctx) {
        if (request.metaFiles().isEmpty()) {
            return ModelFactory.coldStart(encoder.featureCount(), ModelConfig.defaults().withSeed(request.settings().seed()));
        }
        List<Measurement> rows = new ArrayList<>();
        request.metaFiles().forEach(f -> rows.addAll(MeasurementFile.read(f)));
        Set<String> target = request.objective().isPerplexity() ? Set.of() : Set.copyOf(request.objective().tasks());
        List<MetaLearner.SourceTask> tasks = MetaLearner.sourceTasks(rows, encoder, target);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("measurement files " + request.metaFiles() + " hold no rows for a "
                    + encoder.layerCount() + "-layer model; nothing to meta-learn from");
        }
        return new MetaLearner(MetaLearningConfig.defaults()).factory(tasks, encoder.featureCount(), request.settings().seed(), ctx);
    }

    private static SearchJournal notifying(SearchJournal journal, Consumer<SearchIteration> onIteration) {
        return new SearchJournal() {
            @Override
            public List<SearchIteration> completedIterations() {
                List<SearchIteration> done = journal.completedIterations();
                done.forEach(onIteration);
                return done;
            }

            @Override
            public void record(SearchIteration iteration) {
                journal.record(iteration);
                onIteration.accept(iteration);
            }

            @Override
            public List<Proposal> pendingProposals() {
                return journal.pendingProposals();
            }

            @Override
            public int nextProposalId() {
                return journal.nextProposalId();
            }

            @Override
            public void proposed(Proposal proposal) {
                journal.proposed(proposal);
            }

            @Override
            public void lost(Proposal proposal, String reason) {
                journal.lost(proposal, reason);
            }

            @Override
            public void completed(Proposal proposal, SearchIteration iteration) {
                journal.completed(proposal, iteration);
                onIteration.accept(iteration);
            }

            @Override
            public void saveModelSnapshot(int afterIteration, Supplier<byte[]> snapshot) {
                journal.saveModelSnapshot(afterIteration, snapshot);
            }
        };
    }

    private static void export(SearchRequest request, SearchResult result, double[] importance, JsonNode pruning,
                               Long searchId, Workspace ws) {
        List<String> targets = request.lora().targets().stream().map(Projection::shortName).sorted().collect(Collectors.toList());
        RankExport.Request export = RankExport.Request.bestMeasured(result, request.modelDir().toAbsolutePath().toString(),
                pruning, AlphaForRank.of(request.lora()), targets, request.objective().toString());
        RankExport.write(export, request.outDir());
        if (ws != null && searchId != null) {
            ObjectNode summary = RankExport.summaryJson(export);
            ObjectNode stored = summary.deepCopy();
            stored.putPOJO("bestPredictedRanks", result.bestPredictedRanks());
            stored.put("bestPredictedScore", result.bestPredictedScore());
            stored.put("stopReason", result.stopReason().name());
            stored.putPOJO("layerImportance", importance);
            ws.searches().recordResult(searchId, stored.toString());
            ws.exports().add("rank-json", request.outDir().toAbsolutePath().toString(), summary.toString(),
                    new RunRef(RunKind.SEARCH, searchId));
        }
    }

    private static JsonNode pruningSummary(PruningResult pruning) {
        ObjectNode node = JSON.createObjectNode();
        node.put("parametersBefore", pruning.parametersBefore());
        node.put("parametersAfter", pruning.parametersAfter());
        if (pruning.plan() != null) {
            ObjectNode plan = JSON.valueToTree(pruning.plan());
            // the plan's ranges as every view shows them: layers counted from 1
            for (JsonNode range : plan.path("ranges")) {
                ObjectNode r = (ObjectNode) range;
                r.put("firstLayer", r.path("firstLayer").asInt() + 1);
                r.put("lastLayer", r.path("lastLayer").asInt() + 1);
            }
            node.set("plan", plan);
        }
        if (pruning.removedBlocks() != null) {
            node.set("removedBlocks", JSON.valueToTree(pruning.removedBlocks()));
        }
        return node;
    }

    /** The strategy a stored search ran with; searches stored before strategies existed were RankAdaptor. */
    public static String strategyOf(Search stored) {
        try {
            JsonNode settings = JSON.readTree(stored.spaceJson()).path("settings");
            return settings.path("strategy").asText(SearchSettings.Strategy.RANKADAPTOR.name());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("search " + stored.id() + ": stored space is not JSON: " + e.getMessage(), e);
        }
    }

    private static ObjectNode describe(SearchRequest request) {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", request.modelDir().toAbsolutePath().toString());
        node.put("trainData", request.trainData().toAbsolutePath().toString());
        node.set("rankCandidates", JSON.valueToTree(request.rankCandidates()));
        node.put("fixedRank", request.fixedRank());
        node.set("searchedLayers", JSON.valueToTree(request.searchedLayers()));
        node.set("settings", JSON.valueToTree(request.settings()));
        node.set("targets", JSON.valueToTree(request.lora().targets()));
        return node;
    }
}
