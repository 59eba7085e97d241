package org.rankadaptor.lora;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * PEFT's module-name matching, so plans and adapter_config.json files mean here what they mean in Python.
 *
 * <ul>
 * <li>{@code rank_pattern} / {@code alpha_pattern}: PEFT's {@code get_pattern_key} returns the first key (in dict
 * order) for which {@code re.match(rf"(.*\.)?({key})$", module_name)} matches. Older PEFT releases used
 * {@code re.match(rf".*\.{key}$", ...)}; the newer form accepts everything the older one does and also a key equal to
 * the whole name. We export keys without the leading "model." (e.g. "layers.3.self_attn.q_proj") so both forms
 * match them.</li>
 * <li>{@code target_modules}: a list matches a module whose name equals an entry or ends with "." + entry; a single
 * string is a regex that must match the whole name ({@code re.fullmatch}).</li>
 * </ul>
 * Java regex syntax equals Python's for the patterns these files use (names, dots, groups, alternations, classes).
 */
public final class PeftPatterns {
    private PeftPatterns() {
    }

    /** The first pattern key that matches the module, as PEFT's get_pattern_key. */
    public static Optional<String> matchingKey(Collection<String> keys, String moduleName) {
        for (String key : keys) {
            if (compile("(.*\\.)?(" + key + ")$", key).matcher(moduleName).matches()) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    public static <V> Optional<V> lookup(Map<String, V> pattern, String moduleName) {
        return matchingKey(pattern.keySet(), moduleName).map(pattern::get);
    }

    /** PEFT's target check for a list of names. */
    public static boolean targets(List<String> targetModules, String moduleName) {
        for (String t : targetModules) {
            if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** PEFT's target check for a regex string. */
    public static boolean targets(String targetRegex, String moduleName) {
        return compile(targetRegex, targetRegex).matcher(moduleName).matches();
    }

    private static Pattern compile(String regex, String key) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new LoraException("pattern '" + key + "' is not a valid regular expression: " + e.getDescription());
        }
    }
}
