package org.rankadaptor.lora;

import org.rankadaptor.model.Projection;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * LoRA hyper-parameters other than the ranks (those are in {@link RankPlan}).
 *
 * @param targets      projections to adapt (LLM-Pruner default: all seven)
 * @param alpha        lora_alpha for modules no {@code alphaPattern} key matches
 * @param alphaPattern PEFT alpha_pattern (module regex -> alpha), matched as {@link PeftPatterns}
 * @param alphaRule    {@link AlphaRule#FIXED} uses alpha/alphaPattern; {@link AlphaRule#TWICE_RANK} sets alpha = 2 r
 * @param dropout      lora_dropout on the adapter input, training only
 * @param scaling      alpha / r, or alpha / sqrt(r) for rsLoRA
 */
public record LoraSettings(Set<Projection> targets, double alpha, Map<String, Double> alphaPattern, AlphaRule alphaRule,
                           double dropout, Scaling scaling) {

    public enum AlphaRule { FIXED, TWICE_RANK }

    public enum Scaling {
        /** PEFT default: alpha / r. */
        STANDARD,
        /** rsLoRA (PEFT use_rslora): alpha / sqrt(r). */
        RANK_STABILIZED;

        double scale(double alpha, int rank) {
            return this == STANDARD ? alpha / rank : alpha / Math.sqrt(rank);
        }
    }

    public static final Set<Projection> ALL_TARGETS = Collections.unmodifiableSet(EnumSet.allOf(Projection.class));
    /** {@link #ALL_TARGETS} as {@link #parseTargets} reads it: the default of every --targets field. */
    public static final String ALL_TARGET_NAMES = "q,k,v,o,gate,up,down";

    public LoraSettings {
        if (targets.isEmpty()) {
            throw new LoraException("LoRA needs at least one target module");
        }
        targets = Collections.unmodifiableSet(EnumSet.copyOf(targets));
        alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
        if (!(dropout >= 0 && dropout < 1)) {
            throw new LoraException("lora_dropout must be in [0, 1), got " + dropout);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new LoraException("lora_alpha must be positive, got " + alpha);
        }
    }

    /** alpha 16, dropout 0.05, all seven projections, alpha / r. */
    public static LoraSettings defaults() {
        return new LoraSettings(ALL_TARGETS, 16, Map.of(), AlphaRule.FIXED, 0.05, Scaling.STANDARD);
    }

    public LoraSettings withTargets(Set<Projection> newTargets) {
        return new LoraSettings(newTargets, alpha, alphaPattern, alphaRule, dropout, scaling);
    }

    public LoraSettings withAlpha(double newAlpha) {
        return new LoraSettings(targets, newAlpha, alphaPattern, AlphaRule.FIXED, dropout, scaling);
    }

    public LoraSettings withAlphaRule(AlphaRule rule) {
        return new LoraSettings(targets, alpha, alphaPattern, rule, dropout, scaling);
    }

    public LoraSettings withAlphaPattern(Map<String, Double> pattern) {
        return new LoraSettings(targets, alpha, pattern, alphaRule, dropout, scaling);
    }

    public LoraSettings withDropout(double newDropout) {
        return new LoraSettings(targets, alpha, alphaPattern, alphaRule, newDropout, scaling);
    }

    public LoraSettings withScaling(Scaling newScaling) {
        return new LoraSettings(targets, alpha, alphaPattern, alphaRule, dropout, newScaling);
    }

    /** The alpha of one module of the given rank. */
    public double alphaFor(String modulePath, int rank) {
        if (alphaRule == AlphaRule.TWICE_RANK) {
            return 2.0 * rank;
        }
        return PeftPatterns.lookup(alphaPattern, modulePath).orElse(alpha);
    }

    /** Parses "q,k,v,o,gate,up,down" (or q_proj etc.). */
    public static Set<Projection> parseTargets(String list) {
        Set<Projection> out = EnumSet.noneOf(Projection.class);
        for (String part : list.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Projection.fromName(part));
            } catch (IllegalArgumentException e) {
                throw new LoraException("--targets: " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new LoraException("--targets: no modules in '" + list + "'");
        }
        return out;
    }

    static String describe(Set<Projection> targets) {
        StringBuilder b = new StringBuilder();
        for (Projection p : targets) {
            b.append(b.length() == 0 ? "" : ",").append(p.name().toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }
}
