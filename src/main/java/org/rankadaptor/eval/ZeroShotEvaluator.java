package org.rankadaptor.eval;

import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * lm-evaluation-harness compatible zero-shot multiple-choice scoring (see {@link Task}, {@link ScoringWindow},
 * {@link LoglikelihoodScorer}) on task files under a data directory laid out as {@code <task>/<split>.jsonl}.
 */
public final class ZeroShotEvaluator {
    private final Path dataDir;

    public ZeroShotEvaluator(Path dataDir) {
        this.dataDir = dataDir;
    }

    public EvalResults evaluate(LlamaModel model, LinearAdapter adapter, TextTokenizer tokenizer, List<String> taskNames,
                                EvalSettings settings, StageContext context) {
        long start = System.nanoTime();
        List<Task> tasks = Tasks.byNames(taskNames);
        int maxLength = settings.effectiveMaxLength(model.config().maxPositionEmbeddings());
        // read every file first so a bad row fails before any scoring time is spent
        List<List<Doc>> docsPerTask = new ArrayList<>();
        for (Task task : tasks) {
            docsPerTask.add(task.docs(dataDir, settings.limit()));
        }
        List<TaskResult> taskResults = new ArrayList<>();
        List<DocResult> allDocs = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            long taskStart = System.nanoTime();
            long[] inputTokens = new long[1];
            List<DocResult> docResults = scoreDocs(model, adapter, tokenizer, tasks.get(t), docsPerTask.get(t), settings,
                    context, inputTokens);
            taskResults.add(TaskResult.of(tasks.get(t), docResults, inputTokens[0], (System.nanoTime() - taskStart) / 1e9));
            allDocs.addAll(docResults);
        }
        return new EvalResults(settings, maxLength, taskResults, allDocs, (System.nanoTime() - start) / 1e9);
    }

    /** Scores the given documents of one task (any subset, e.g. chosen edge cases). */
    public static List<DocResult> scoreDocs(LlamaModel model, LinearAdapter adapter, TextTokenizer tokenizer, Task task,
                                            List<Doc> docs, EvalSettings settings, StageContext context) {
        return scoreDocs(model, adapter, tokenizer, task, docs, settings, context, new long[1]);
    }

    /** As above; adds the input tokens of the unique scored windows to {@code inputTokens[0]}. */
    private static List<DocResult> scoreDocs(LlamaModel model, LinearAdapter adapter, TextTokenizer tokenizer, Task task,
                                             List<Doc> docs, EvalSettings settings, StageContext context, long[] inputTokens) {
        int maxLength = settings.effectiveMaxLength(model.config().maxPositionEmbeddings());
        String step = "eval " + task.name();
        context.report(step, 0, -1, "tokenizing " + docs.size() + " documents");
        TokenizedRequest.Encoder encoder = new TokenizedRequest.Encoder(tokenizer);
        List<TokenizedRequest> tokens = new ArrayList<>();
        List<ScoringWindow> windows = new ArrayList<>();
        for (Doc doc : docs) {
            for (Request request : doc.requests()) {
                TokenizedRequest tokenized;
                try {
                    tokenized = encoder.encode(request);
                } catch (EvalDataException e) {
                    throw new EvalDataException(task.name() + " document " + doc.index() + ": " + e.getMessage(), e);
                }
                tokens.add(tokenized);
                windows.add(ScoringWindow.of(tokenized, settings.bos(), tokenizer.bosId(), tokenizer.eosId(), maxLength));
            }
        }
        List<Loglikelihood> scores = new LoglikelihoodScorer(model, adapter, settings.batchSize()).score(windows, context, step);
        inputTokens[0] += LoglikelihoodScorer.uniqueInputTokens(windows);
        List<DocResult> results = new ArrayList<>();
        int k = 0;
        for (Doc doc : docs) {
            int n = doc.requests().size();
            results.add(DocResult.of(task.name(), doc, tokens.subList(k, k + n), scores.subList(k, k + n)));
            k += n;
        }
        return results;
    }
}
