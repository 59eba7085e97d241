package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointWriter;
import org.rankadaptor.model.SafetensorsReader;
import org.rankadaptor.model.SafetensorsWriter;
import org.rankadaptor.model.TensorDType;
import org.rankadaptor.model.TensorData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * A resumable training state in a directory: {@code state.safetensors} (adapter state as "adapter.NAME", AdamW
 * moments as "optimizer.NAME.exp_avg/exp_avg_sq", float32) and {@code trainer_state.json} (completed steps, total
 * steps, seed, method, curve). The random state is a pure function of (seed, step, micro-batch): data order comes
 * from per-epoch permutations of the seed and dropout reseeds the engine from (seed, step, micro-batch), so step and
 * seed restore it exactly. Written to a temporary directory first and then renamed, so a crash never leaves a torn
 * checkpoint.
 */
public final class TrainingCheckpoint {
    public static final String STATE_FILE = "state.safetensors";
    public static final String TRAINER_FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a checkpoint holds besides the tensors. */
    /** @param lossScale the fp16 loss scale at this step (1 for float32 models) */
    public record Info(int completedSteps, int totalSteps, long seed, String method, List<CurvePoint> curve,
                       double lossScale) {
    }

    private TrainingCheckpoint() {
    }

    public static void write(Path dir, Info info, TrainableAdapter adapter, AdamW optimizer) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        try {
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "rankadaptor-training-state");
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (Map.Entry<String, NDArray> e : adapter.state().entrySet()) {
                    writer.put("adapter." + e.getKey(), CheckpointWriter.toTensorData(e.getValue().stopGradient()));
                }
                for (Map.Entry<String, NDArray> e : optimizer.state().entrySet()) {
                    writer.put("optimizer." + e.getKey(), CheckpointWriter.toTensorData(e.getValue()));
                }
            }
            writer.write(tmp.resolve(STATE_FILE), TensorDType.F32);
            ObjectNode root = JSON.createObjectNode();
            root.put("completed_steps", info.completedSteps());
            root.put("total_steps", info.totalSteps());
            root.put("seed", info.seed());
            root.put("method", info.method());
            root.put("loss_scale", info.lossScale());
            root.put("rng", "data order and dropout are derived from (seed, step, micro-batch)");
            ArrayNode curve = root.putArray("curve");
            for (CurvePoint p : info.curve()) {
                ObjectNode n = curve.addObject();
                n.put("step", p.step());
                n.put("train_loss", p.trainLoss());
                if (p.validationLoss().isPresent()) {
                    n.put("val_loss", p.validationLoss().getAsDouble());
                }
                n.put("lr", p.learningRate());
                n.put("tokens_per_second", p.tokensPerSecond());
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(TRAINER_FILE).toFile(), root);
            deleteRecursively(old);
            if (Files.exists(dir)) {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    public static Info readInfo(Path dir) {
        Path file = dir.resolve(TRAINER_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new LoraException("not a training checkpoint (no " + TRAINER_FILE + "): " + dir);
        } catch (IOException e) {
            throw new LoraException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        for (String field : new String[] {"completed_steps", "total_steps", "seed"}) {
            if (root == null || !root.path(field).isIntegralNumber()) {
                throw new LoraException(file + ": missing integer field '" + field + "'");
            }
        }
        List<CurvePoint> curve = new ArrayList<>();
        for (JsonNode n : root.path("curve")) {
            curve.add(new CurvePoint(n.path("step").asInt(), n.path("train_loss").asDouble(),
                    n.has("val_loss") ? OptionalDouble.of(n.get("val_loss").asDouble()) : OptionalDouble.empty(),
                    n.path("lr").asDouble(), n.path("tokens_per_second").asDouble()));
        }
        return new Info(root.get("completed_steps").asInt(), root.get("total_steps").asInt(), root.get("seed").asLong(),
                root.path("method").asText(""), curve, root.path("loss_scale").asDouble(1));
    }

    /** Loads tensors into the adapter and optimizer (which must have the same modules and shapes). */
    public static Info restore(Path dir, TrainableAdapter adapter, AdamW optimizer) {
        Info info = readInfo(dir);
        if (!info.method().equals(adapter.method())) {
            throw new LoraException(dir + ": checkpoint is for method '" + info.method() + "' but this run uses '"
                    + adapter.method() + "'");
        }
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            throw new LoraException("training checkpoint " + dir + " has no " + STATE_FILE);
        }
        try (SafetensorsReader reader = SafetensorsReader.open(file); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : adapter.state().entrySet()) {
                assign(e.getValue(), read(reader, "adapter." + e.getKey(), file));
            }
            for (Map.Entry<String, NDArray> e : optimizer.state().entrySet()) {
                assign(e.getValue(), read(reader, "optimizer." + e.getKey(), file));
            }
        } catch (CheckpointException e) {
            throw new LoraException("cannot read " + file + ": " + e.getMessage(), e);
        }
        optimizer.restoreSteps(info.completedSteps());
        return info;
    }

    private static TensorData read(SafetensorsReader reader, String name, Path file) {
        if (!reader.contains(name)) {
            throw new LoraException(file + ": missing tensor '" + name + "' (checkpoint from a different adapter layout?)");
        }
        return reader.read(name);
    }

    /** Overwrites an array's values in place (through a detached view, so trainable arrays keep their identity). */
    static void assign(NDArray target, TensorData data) {
        if (!Arrays.equals(target.getShape().getShape(), data.shape())) {
            throw new LoraException("checkpoint tensor has shape " + Arrays.toString(data.shape()) + " but the run needs "
                    + target.getShape());
        }
        NDArray source = target.getManager().create(data.values(), new Shape(data.shape()))
                .toType(target.getDataType(), false);
        target.stopGradient().muli(0).addi(source);
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
