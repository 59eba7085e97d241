package org.rankadaptor.prune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a dependency group is scored. For a group with weights w and calibration gradients g (of the mean next-token
 * loss over the N samples; g_j is sample j's gradient alone):
 * <ul>
 *   <li>{@code random}: a seeded uniform number per group</li>
 *   <li>{@code l1}: sum |w|; {@code l2}: sqrt(sum w^2)</li>
 *   <li>{@code taylor-vectorize}: |sum w*g|</li>
 *   <li>{@code taylor-element1}: sum |w*g| (LLM-Pruner param_first)</li>
 *   <li>{@code taylor-element2}: sum w^2 * (sum_j g_j^2 / N) (diagonal Fisher as the Hessian; N backward passes)</li>
 *   <li>{@code taylor-mix}: element1 - element2 / 2 (LLM-Pruner Eq. 2 with both orders)</li>
 * </ul>
 */
public enum Estimator {
    RANDOM("random"),
    L1("l1"),
    L2("l2"),
    TAYLOR_VECTORIZE("taylor-vectorize"),
    TAYLOR_ELEMENT1("taylor-element1"),
    TAYLOR_ELEMENT2("taylor-element2"),
    TAYLOR_MIX("taylor-mix");

    private final String cliName;

    Estimator(String cliName) {
        this.cliName = cliName;
    }

    @JsonValue
    public String cliName() {
        return cliName;
    }

    public boolean needsGradients() {
        return name().startsWith("TAYLOR");
    }

    /** element2 and mix need the per-sample squared gradients, not only their mean. */
    public boolean needsSquaredGradients() {
        return this == TAYLOR_ELEMENT2 || this == TAYLOR_MIX;
    }

    /** Float32 buffers per weight of the layer being scored: its gradient, plus the sum and squares for element2/mix. */
    public int gradientBuffersPerWeight() {
        return needsSquaredGradients() ? 3 : 1;
    }

    @JsonCreator
    public static Estimator fromName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Estimator e : values()) {
            if (e.cliName.equals(n)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown estimator '" + name + "' (expected one of "
                + Arrays.stream(values()).map(Estimator::cliName).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
