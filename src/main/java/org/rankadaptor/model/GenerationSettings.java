package org.rankadaptor.model;

/** How to pick each next token. Temperature 0 means greedy (argmax). */
public record GenerationSettings(int maxNewTokens, double temperature, double topP, long seed) {
    public GenerationSettings {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        if (temperature < 0 || Double.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    public static GenerationSettings greedy(int maxNewTokens) {
        return new GenerationSettings(maxNewTokens, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
