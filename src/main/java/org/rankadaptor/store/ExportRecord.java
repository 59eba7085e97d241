package org.rankadaptor.store;

import java.time.Instant;

/** Something written out for use elsewhere (e.g. a PEFT rank JSON), with the run it came from if any. */
public record ExportRecord(long id, String kind, String path, String contentJson, RunRef source, Instant created) {
}
