package org.rankadaptor.eval;

/**
 * @param limit     score only the first {@code limit} documents of each task; {@link #ALL_DOCS} for all
 * @param batchSize requests per forward pass
 * @param bos       whether sequences start with BOS
 * @param maxLength window L in tokens; {@link #MODEL_MAX_LENGTH} for the model's max_position_embeddings
 */
public record EvalSettings(int limit, int batchSize, BosPolicy bos, int maxLength) {
    public static final int ALL_DOCS = 0;
    public static final int MODEL_MAX_LENGTH = 0;
    public static final int DEFAULT_BATCH_SIZE = 16;

    public EvalSettings {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 = all documents), got " + limit);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (bos == null) {
            throw new IllegalArgumentException("bos policy is required");
        }
        if (maxLength < 0 || maxLength == 1) {
            throw new IllegalArgumentException("max length must be >= 2 (0 = the model's), got " + maxLength);
        }
    }

    public static EvalSettings defaults() {
        return new EvalSettings(ALL_DOCS, DEFAULT_BATCH_SIZE, BosPolicy.PREPEND, MODEL_MAX_LENGTH);
    }

    public EvalSettings withLimit(int newLimit) {
        return new EvalSettings(newLimit, batchSize, bos, maxLength);
    }

    /** The window for a model whose max_position_embeddings is {@code modelMax}. */
    public int effectiveMaxLength(int modelMax) {
        return maxLength == MODEL_MAX_LENGTH ? modelMax : maxLength;
    }
}
