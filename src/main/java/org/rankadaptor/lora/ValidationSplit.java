package org.rankadaptor.lora;

/** How many rows to hold out for validation: a fixed count, or a fraction of the data. */
public record ValidationSplit(int rows, double fraction) {
    public ValidationSplit {
        if (rows < 0 || !(fraction >= 0 && fraction < 1)) {
            throw new LoraException("validation split must be a row count >= 0 or a fraction in [0, 1), got "
                    + rows + " / " + fraction);
        }
    }

    public static ValidationSplit rows(int count) {
        return new ValidationSplit(count, 0);
    }

    public static ValidationSplit fraction(double share) {
        return new ValidationSplit(0, share);
    }

    /** 5% of the rows. */
    public static ValidationSplit defaults() {
        return fraction(0.05);
    }

    /** "200" (rows) or "5%" (share). */
    public static ValidationSplit parse(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("%")) {
                return fraction(Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100.0);
            }
            return rows(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new LoraException("--val-size: '" + text + "' is neither a row count nor a percentage like 5%");
        }
    }

    public int size(int total) {
        int n = rows > 0 ? rows : (int) Math.round(fraction * total);
        if (n >= total && total > 0) {
            throw new LoraException("validation split of " + n + " rows leaves no training rows out of " + total);
        }
        return n;
    }
}
