package org.rankadaptor.store;

/** How a pruned model was recovered. */
public enum RecoveryMethod {
    LORA,
    ADALORA,
    RANKADAPTOR,
    CUSTOM;

    static RecoveryMethod parse(String value, String where) {
        try {
            return RecoveryMethod.valueOf(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("unknown recovery method '" + value + "' in " + where);
        }
    }
}
