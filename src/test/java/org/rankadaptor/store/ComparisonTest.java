package org.rankadaptor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {
    @TempDir
    Path dir;

    @Test
    void buildsTableTwoWithAveragesAndBestCells() {
        try (Workspace workspace = Workspace.open(dir)) {
            long base = StoreFixtures.model(workspace, "/base").id();
            PruningRun pruning = workspace.pruningRuns().create(new NewPruningRun(base, "{}", "taylor", null));
            long pruned = workspace.models().add(new NewModel("/pruned", "pruned", "{}", "p", 800)).id();
            workspace.pruningRuns().recordResult(pruning.id(), new PruningRecord(null, null, 1000, 800, pruned));
            long otherPruning = workspace.pruningRuns().create(new NewPruningRun(base, "{}", "l2", null)).id();

            long lora = run(workspace, pruned, pruning.id(), RecoveryMethod.LORA, "r8");
            long rankAdaptor = run(workspace, pruned, pruning.id(), RecoveryMethod.RANKADAPTOR, "searched");
            long elsewhere = run(workspace, pruned, otherPruning, RecoveryMethod.ADALORA, "other");
            EvaluationRepository evals = workspace.evaluations();
            evals.add(eval(null, pruned, "boolq", 0.60, null));
            evals.add(eval(null, pruned, "piqa", 0.70, 0.71));
            evals.add(eval(lora, pruned, "boolq", 0.65, null));
            evals.add(eval(lora, pruned, "piqa", 0.74, 0.76));
            evals.add(eval(rankAdaptor, pruned, "boolq", 0.50, null)); // superseded by the newer row below
            evals.add(eval(rankAdaptor, pruned, "boolq", 0.68, null));
            evals.add(eval(rankAdaptor, pruned, "piqa", 0.73, 0.75));
            evals.add(eval(rankAdaptor, pruned, "hellaswag", 0.40, 0.52));
            evals.add(eval(elsewhere, pruned, "boolq", 0.99, null));
            evals.add(new NewEvaluation(lora, pruned, "wikitext", 100, null, null, null, null, 18.5));

            ComparisonTable acc = evals.compare(base, pruning.id(), ComparisonMetric.ACC);
            assertEquals(List.of("boolq", "hellaswag", "piqa"), acc.tasks());
            assertEquals(List.of("NONE", "LORA", "RANKADAPTOR"),
                    acc.rows().stream().map(ComparisonTable.Row::method).toList());
            ComparisonTable.Row none = acc.rows().get(0);
            assertEquals(null, none.runId());
            assertEquals((0.60 + 0.70) / 2, none.average(), 1e-12);
            ComparisonTable.Row ra = acc.rows().get(2);
            assertEquals(rankAdaptor, ra.runId());
            assertEquals(Map.of("boolq", 0.68, "hellaswag", 0.40, "piqa", 0.73), ra.scores());
            assertEquals((0.68 + 0.40 + 0.73) / 3, ra.average(), 1e-12);
            assertTrue(ra.complete(acc.tasks()));
            assertTrue(!acc.rows().get(1).complete(acc.tasks()));
            assertEquals(OptionalInt.of(2), acc.bestRow("boolq"));
            assertEquals(OptionalInt.of(1), acc.bestRow("piqa"));
            assertEquals(OptionalInt.of(2), acc.bestRow("hellaswag"));
            assertEquals(OptionalInt.of(1), acc.bestRow(ComparisonTable.AVERAGE_COLUMN));
            assertThrows(StoreException.class, () -> acc.bestRow("winogrande"));

            ComparisonTable norm = evals.compare(base, pruning.id(), ComparisonMetric.ACC_NORM);
            assertEquals(0.76, norm.rows().get(1).scores().get("piqa"));
            assertEquals(0.65, norm.rows().get(1).scores().get("boolq"), "boolq has no acc_norm: falls back to acc");

            // Without a pruning filter, every run on the model or on its prunings appears, and the pruned
            // model's untuned scores stand in for "w/o tuning".
            ComparisonTable all = evals.compare(base, null, ComparisonMetric.ACC);
            assertEquals(List.of("NONE", "LORA", "RANKADAPTOR", "ADALORA"),
                    all.rows().stream().map(ComparisonTable.Row::method).toList());
            assertEquals(OptionalInt.of(3), all.bestRow("boolq"));
            ComparisonTable onPruned = evals.compare(pruned, null, ComparisonMetric.ACC);
            assertEquals(4, onPruned.rows().size());
        }
    }

    @Test
    void pruningRunOfAnotherModelIsRefused() {
        try (Workspace workspace = Workspace.open(dir)) {
            long a = StoreFixtures.model(workspace, "/a").id();
            long b = StoreFixtures.model(workspace, "/b").id();
            long pruning = workspace.pruningRuns().create(new NewPruningRun(a, "{}", "taylor", null)).id();
            StoreException e = assertThrows(StoreException.class,
                    () -> workspace.evaluations().compare(b, pruning, ComparisonMetric.ACC));
            assertTrue(e.getMessage().contains("did not prune model " + b), e.getMessage());
        }
    }

    private static long run(Workspace workspace, long model, long pruning, RecoveryMethod method, String label) {
        return workspace.recoveryRuns().create(new NewRecoveryRun(model, pruning, method, label, null, null, 0)).id();
    }

    private static NewEvaluation eval(Long run, long model, String task, double acc, Double accNorm) {
        return new NewEvaluation(run, model, task, 100, acc, 0.01, accNorm, accNorm == null ? null : 0.01, null);
    }

    @Test
    void runNamesLeadWithTheMethodOnce() {
        assertEquals("LoRA r=8", RecoveryRun.nameOf("LORA", "LoRA r=8"));
        assertEquals("AdaLoRA r12->8", RecoveryRun.nameOf("ADALORA", "AdaLoRA r12->8"));
        assertEquals("LORA r8", RecoveryRun.nameOf("LORA", "r8"));
        assertEquals("RANKADAPTOR", RecoveryRun.nameOf("RANKADAPTOR", null));
    }
}
