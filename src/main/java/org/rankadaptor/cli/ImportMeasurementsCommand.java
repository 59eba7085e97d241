package org.rankadaptor.cli;

import org.rankadaptor.search.Measurement;
import org.rankadaptor.search.MeasurementFile;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "import-measurements", mixinStandardHelpOptions = true,
        description = {"Check a measurement file (JSONL rows {\"model\", \"pruning\", \"ranks\", \"scores\"}) and add it to the"
                + " workspace's measurement library, which `search --meta` can use."})
public class ImportMeasurementsCommand implements Callable<Integer> {
    static final String LIBRARY = "measurements";

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--workspace", paramLabel = "DIR", description = "workspace (default $RANKADAPTOR_WORKSPACE or ~/.rankadaptor)")
    Path workspace;

    @Override
    public Integer call() throws Exception {
        List<Measurement> rows = MeasurementFile.read(file);
        try (Workspace ws = Workspace.open(workspace != null ? workspace : Workspace.defaultDirectory())) {
            Path library = ws.directory().resolve(LIBRARY);
            Files.createDirectories(library);
            Path copy = library.resolve(file.getFileName());
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            ws.exports().add("measurements", copy.toString(), "{\"rows\":" + rows.size() + "}", null);
            long tasks = rows.stream().flatMap(r -> r.scores().keySet().stream()).distinct().count();
            System.out.printf("imported %d rows (%d tasks) into %s%n", rows.size(), tasks, copy);
        }
        return 0;
    }
}
