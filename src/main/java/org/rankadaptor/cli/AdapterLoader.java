package org.rankadaptor.cli;

import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Loads a PEFT adapter directory into a {@link LinearAdapter} for a loaded base model. Commands take one in their
 * constructor; their no-argument constructors use the first one registered with {@link ServiceLoader}
 * (META-INF/services/org.rankadaptor.cli.AdapterLoader), or {@link #UNAVAILABLE}.
 */
@FunctionalInterface
public interface AdapterLoader {
    LinearAdapter load(Path adapterDir, LlamaModel model);

    /** Says clearly that this build cannot load adapters. */
    AdapterLoader UNAVAILABLE = (dir, model) -> {
        throw new IllegalStateException("cannot load adapter " + dir + ": no adapter loader is available in this build"
                + " (register an org.rankadaptor.cli.AdapterLoader)");
    };

    static AdapterLoader discovered() {
        return ServiceLoader.load(AdapterLoader.class).findFirst().orElse(UNAVAILABLE);
    }

    /** The adapter for {@code adapterDir}, or {@link LinearAdapter#NONE} when none was asked for. */
    default LinearAdapter loadOrNone(Path adapterDir, LlamaModel model) {
        return adapterDir == null ? LinearAdapter.NONE : load(adapterDir, model);
    }
}
