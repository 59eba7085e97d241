package org.rankadaptor.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingExample;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one candidate measurement needs besides its ranks: the model, data, objective and fidelity of the
 * search. It travels to cluster workers as JSON; paths are resolved on the worker, so models and data sit on a
 * shared file system (or at the same path on every machine).
 */
public record MeasurementSetup(Path modelDir, Path trainData, TrainingData.LossTokens lossTokens,
                               SearchObjective objective, Path tasksDir, Fidelity fidelity, LoraSettings lora,
                               long seed) {
    /** The objective travels as its spec ("ppl:FILE", "tasks:a,b"), the form users write and the store keeps. */
    private static final ObjectMapper JSON = new ObjectMapper().addMixIn(SearchObjective.class, ObjectiveAsSpec.class);

    private abstract static class ObjectiveAsSpec {
        @JsonCreator
        static SearchObjective parse(String spec) {
            return SearchObjective.parse(spec);
        }

        @JsonValue
        @Override
        public abstract String toString();
    }

    public static MeasurementSetup of(SearchRequest request) {
        return new MeasurementSetup(request.modelDir().toAbsolutePath().normalize(),
                request.trainData().toAbsolutePath().normalize(), request.lossTokens(), request.objective(),
                request.tasksDir() == null ? null : request.tasksDir().toAbsolutePath().normalize(),
                request.fidelity(), request.lora(), request.settings().seed());
    }

    /** The training rows every candidate sees: the first {@code fidelity.trainRows()} of the file, no validation. */
    public TrainingData.Split trainingData(TextTokenizer tokenizer) {
        List<TrainingExample> rows = TrainingData.load(trainData, tokenizer, fidelity.cutoff(), lossTokens);
        if (fidelity.trainRows() > 0 && rows.size() > fidelity.trainRows()) {
            rows = rows.subList(0, fidelity.trainRows());
        }
        return TrainingData.split(rows, ValidationSplit.rows(0), seed);
    }

    /** The objective on an already loaded model. */
    public RecoveryObjective objective(LlamaModel model, TextTokenizer tokenizer, TrainingData.Split data) {
        return new RecoveryObjective(model, tokenizer, data, lora, fidelity, objective, tasksDir, seed);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the measurement setup as JSON: " + e.getMessage(), e);
        }
    }

    public static MeasurementSetup fromJson(String json) {
        try {
            return JSON.readValue(json, MeasurementSetup.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("measurement setup is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
