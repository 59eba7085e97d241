package org.rankadaptor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.model.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a checkpoint's architecture, parameters per module type and dtype (reads headers only).")
public class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @Option(names = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ModelSummary s = ModelSummary.of(modelDir);
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.valueToTree(s);
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return 0;
        }
        var c = s.config();
        System.out.printf("model        %s%n", modelDir.toAbsolutePath());
        System.out.printf("layers       %d%n", c.numLayers());
        System.out.printf("hidden       %d  head_dim %d  vocab %d  max positions %d%n",
                c.hiddenSize(), c.headDim(), c.vocabSize(), c.maxPositionEmbeddings());
        if (c.isUniform()) {
            var l = c.layer(0);
            System.out.printf("heads        %d  kv heads %d  ffn %d%n", l.numHeads(), l.numKvHeads(), l.intermediateSize());
        } else {
            System.out.println("per layer    heads / kv heads / ffn (pruned)");
            for (int i = 0; i < c.numLayers(); i++) {
                var l = c.layer(i);
                System.out.printf("  layer %-4d %d / %d / %d%n", i, l.numHeads(), l.numKvHeads(), l.intermediateSize());
            }
        }
        System.out.printf("embeddings   %s%n", c.tieWordEmbeddings() ? "tied" : "untied");
        System.out.printf("rope         theta %.1f%s%n", c.ropeTheta(), c.ropeScaling() == null ? "" : ", " + c.ropeScaling().type() + " scaling");
        System.out.printf("dtype        %s%n", String.join(", ", s.fileDtypes()));
        System.out.println("parameters");
        for (Map.Entry<String, Long> e : s.parametersByModule().entrySet()) {
            System.out.printf("  %-12s %,15d%n", e.getKey(), e.getValue());
        }
        System.out.printf("  %-12s %,15d%n", "total", s.totalParameters());
        return 0;
    }
}
