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

    /** "±" when standard output's charset can encode it, else "+/-" (a POSIX locale gives ASCII). */
    static String plusMinus() {
        String name = System.getProperty("sun.stdout.encoding", System.getProperty("native.encoding"));
        try {
            java.nio.charset.Charset charset = name == null ? java.nio.charset.Charset.defaultCharset()
                    : java.nio.charset.Charset.forName(name);
            return charset.newEncoder().canEncode('\u00b1') ? "\u00b1" : "+/-";
        } catch (IllegalArgumentException e) {
            return "+/-";
        }
    }
}
