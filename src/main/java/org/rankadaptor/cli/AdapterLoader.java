package org.rankadaptor.cli;

import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.lora.PeftAdapter;

import java.nio.file.Path;

/**
 * Loads a PEFT adapter directory into a {@link LinearAdapter} for a loaded base model. Commands take one in their
 * constructor (tests pass their own); the no-argument constructors use {@link #PEFT}.
 */
@FunctionalInterface
public interface AdapterLoader {
    LinearAdapter load(Path adapterDir, LlamaModel model);

    /** PEFT LoRA adapter directories, read by the lora package. */
    AdapterLoader PEFT = PeftAdapter::load;

    static AdapterLoader discovered() {
        return PEFT;
    }

    /** The adapter for {@code adapterDir}, or {@link LinearAdapter#NONE} when none was asked for. */
    default LinearAdapter loadOrNone(Path adapterDir, LlamaModel model) {
        return adapterDir == null ? LinearAdapter.NONE : load(adapterDir, model);
    }
}
