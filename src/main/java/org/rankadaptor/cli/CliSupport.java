package org.rankadaptor.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Small helpers shared by the pruning commands. */
final class CliSupport {
    private CliSupport() {
    }

    static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.4g", v))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
