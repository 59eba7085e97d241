package org.rankadaptor.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "gui", mixinStandardHelpOptions = true, description = "Open the workbench window.")
public class GuiCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        // Loaded by name so the CLI has no compile-time tie to JavaFX.
        Class.forName("org.rankadaptor.ui.WorkbenchLauncher").getMethod("main", String[].class)
                .invoke(null, (Object) new String[0]);
        return 0;
    }
}
