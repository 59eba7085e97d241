package org.rankadaptor.eval;

import java.util.List;

/**
 * One multiple-choice document: a request per choice, the choice strings used for acc_norm's length
 * normalisation (without the leading delimiter), and the gold index.
 */
public record Doc(int index, List<Request> requests, List<String> choiceStrings, int gold) {
    public Doc {
        requests = List.copyOf(requests);
        choiceStrings = List.copyOf(choiceStrings);
        if (requests.size() != choiceStrings.size() || requests.isEmpty()) {
            throw new EvalDataException("document " + index + ": " + requests.size() + " requests for "
                    + choiceStrings.size() + " choices");
        }
        if (gold < 0 || gold >= requests.size()) {
            throw new EvalDataException("document " + index + ": gold " + gold + " is not one of "
                    + requests.size() + " choices");
        }
    }
}
