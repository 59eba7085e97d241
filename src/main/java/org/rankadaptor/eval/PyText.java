package org.rankadaptor.eval;

import java.util.Locale;

/** Python str semantics the harness relies on (strip, rstrip, capitalize, len), which differ from Java's. */
final class PyText {
    private PyText() {
    }

    /** Python str.isspace for one code point. */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0
                || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029
                || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    static String strip(String s) {
        return lstrip(rstrip(s));
    }

    static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    static String lstrip(String s) {
        int start = 0;
        while (start < s.length()) {
            int cp = s.codePointAt(start);
            if (!isSpace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        return s.substring(start);
    }

    /** Python str.capitalize: first character title-cased, all the others lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int width = Character.charCount(first);
        return new String(Character.toChars(Character.toTitleCase(first)))
                + s.substring(width).toLowerCase(Locale.ROOT);
    }

    /** Python len: code points, not UTF-16 units. */
    static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
