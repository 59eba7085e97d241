package org.rankadaptor.cli;

import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;

import java.nio.file.Path;

/** Loads a PEFT LoRA adapter directory for commands that take --adapter. */
final class AdapterOption {
    private AdapterOption() {
    }

    static LinearAdapter load(Path adapterDir, LlamaModel model) {
        if (adapterDir == null) {
            return LinearAdapter.NONE;
        }
        return org.rankadaptor.lora.PeftAdapter.load(adapterDir, model);
    }
}
