package org.rankadaptor.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.rankadaptor.cluster.ClusterView;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchSettings;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Search screen: configure a RankAdaptor search and follow it as a sweep dashboard: predicted vs measured scores,
 * convergence against the threshold, the optimisation history, parallel coordinates of the measured rank vectors,
 * each layer's rank importance, the measurements table and the best ranks; export any measured configuration.
 */
public final class SearchView extends AbstractScreen<SearchViewModel> {
    public static final String TITLE = "Search";

    private final TableView<SearchIteration> table = new TableView<>();
    private final java.util.function.Consumer<java.nio.file.Path> recoverWithRanks;

    /** @param recoverWithRanks opens the Recover screen set up to train with the given rank JSON */
    public SearchView(WorkbenchContext context, java.util.function.Consumer<java.nio.file.Path> recoverWithRanks) {
        super(TITLE, new SearchViewModel(context));
        this.recoverWithRanks = recoverWithRanks;
        Label status = new Label();
        status.setId("searchStatus");
        status.setWrapText(true);
        status.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        status.textProperty().bind(viewModel.statusProperty());
        Label progress = FormControls.hintLine("searchProgress", viewModel.progressProperty());
        progress.getStyleClass().add("summary-value");
        show(configuration(context), results(), FormControls.hintLine("searchShown", viewModel.shownSearchProperty()),
                FormControls.hintLine("searchUsedSettings", Bindings.when(viewModel.usedSettingsProperty().isEmpty())
                        .then("").otherwise(Bindings.concat("Run settings: ", viewModel.usedSettingsProperty()))),
                progress, status, cluster(), charts(), modelCheck());
        FormControls.keepLabelsWhole(view());
    }

    private Node configuration(WorkbenchContext context) {
        TextField ranks = new TextField();
        ranks.setId("rankCandidates");
        ranks.textProperty().bindBidirectional(viewModel.rankCandidatesProperty());
        ranks.setPrefColumnCount(12);
        ChoiceBox<SearchViewModel.Budget> budget = new ChoiceBox<>();
        budget.setId("budget");
        budget.getItems().setAll(SearchViewModel.Budget.values());
        budget.valueProperty().bindBidirectional(viewModel.budgetProperty());
        Spinner<Double> percent = FormControls.doubleSpinner("budgetPercent", viewModel.budgetPercentProperty(), 0, 100, 1);
        percent.setPrefWidth(80);
        percent.disableProperty().bind(viewModel.budgetProperty().isNotEqualTo(SearchViewModel.Budget.WITHIN_PERCENT));
        Spinner<Integer> measurements = FormControls.intSpinner("iterations", viewModel.iterationsProperty(), 1, 1000, 1);
        Label measurementLabel = new Label("Measurements");
        measurementLabel.setTooltip(new Tooltip("How many configurations the search measures in all, counting the"
                + " uniform baseline and the initial random samples"));
        Label parts = new Label();
        parts.setId("measurementParts");
        parts.getStyleClass().add("hint");
        parts.textProperty().bind(Bindings.createStringBinding(() -> SearchViewModel.measurementParts(
                viewModel.iterationsProperty().get(), viewModel.initialSamplesProperty().get(),
                viewModel.strategyProperty().get()),
                viewModel.iterationsProperty(), viewModel.initialSamplesProperty(), viewModel.strategyProperty()));
        HBox search = row(new Label("Rank candidates"), ranks, new Label("Budget"), budget, new Label("P %"), percent);
        HBox counts = row(measurementLabel, measurements,
                new Label("Initial samples"), FormControls.intSpinner("initialSamples", viewModel.initialSamplesProperty(), 0, 100, 1),
                parts);
        ChoiceBox<SearchSettings.Strategy> strategy = FormControls.choice("strategy", SearchSettings.Strategy.values(),
                viewModel.strategyProperty(), SearchView::strategyLabel);
        Spinner<Integer> gridLimit = FormControls.intSpinner("gridLimit", viewModel.gridLimitProperty(), 1, 1_000_000, 100);
        gridLimit.disableProperty().bind(viewModel.strategyProperty().isNotEqualTo(SearchSettings.Strategy.GRID));
        ChoiceBox<SearchSettings.ThresholdUnit> thresholdUnit = FormControls.choice("thresholdUnit",
                SearchSettings.ThresholdUnit.values(), viewModel.thresholdUnitProperty(),
                unit -> unit == SearchSettings.ThresholdUnit.OBJECTIVE ? "score units" : "x seed noise (sigma)");
        HBox strategyRow = row(new Label("Strategy"), strategy, new Label("Grid limit"), gridLimit,
                new Label("Repeats"), FormControls.intSpinner("repeats", viewModel.repeatsProperty(), 1, 100, 1),
                new Label("Baseline repeats"), FormControls.intSpinner("baselineRepeats",
                        viewModel.baselineRepeatsProperty(), 1, 100, 1));
        Label thresholdHint = new Label("stop when |predicted - measured| stays below");
        thresholdHint.getStyleClass().add("hint");
        HBox loop = row(new Label("Threshold"), FormControls.doubleSpinner("threshold", viewModel.thresholdProperty(), 0, 1e6, 0.05),
                thresholdUnit, thresholdHint,
                new Label("Candidates per step"), FormControls.intSpinner("candidates", viewModel.candidatesProperty(), 1, 10_000_000, 1000),
                new Label("Seed"), FormControls.intSpinner("searchSeed", viewModel.seedProperty(), 0, Integer.MAX_VALUE, 1));
        HBox workersRow = row(new Label("Parallel"), FormControls.intSpinner("searchParallel", viewModel.parallelProperty(), 1, 256, 1),
                new Label("Local workers (0 = one per candidate)"),
                FormControls.intSpinner("searchLocalWorkers", viewModel.localWorkersProperty(), 0, 256, 1));

        Spinner<Double> lr = FormControls.doubleSpinner("searchLearningRate", viewModel.learningRateProperty(), 1e-9, 1, 1e-4);
        Label fidelityTitle = new Label("Fidelity:");
        fidelityTitle.getStyleClass().add("summary-value");
        HBox fidelity = row(fidelityTitle, new Label("steps"), FormControls.intSpinner("searchSteps", viewModel.stepsProperty(), 1, 100_000, 1),
                new Label("batch"), FormControls.intSpinner("searchBatch", viewModel.batchProperty(), 1, 4096, 1),
                new Label("micro-batch"), FormControls.intSpinner("searchMicroBatch", viewModel.microBatchProperty(), 1, 4096, 1),
                new Label("train rows"), FormControls.intSpinner("trainRows", viewModel.trainRowsProperty(), 0, 10_000_000, 50),
                new Label("eval limit"), FormControls.intSpinner("evalLimit", viewModel.evalLimitProperty(), 0, 1_000_000, 1),
                new Label("lr"), lr,
                new Label("cutoff"), FormControls.intSpinner("searchCutoff", viewModel.cutoffProperty(), 2, 32_768, 16));
        for (Node n : fidelity.getChildren()) {
            if (n instanceof Spinner<?> spinner) {
                spinner.setPrefWidth(82);
            }
        }

        ChoiceBox<SearchViewModel.ObjectiveKind> objective = new ChoiceBox<>();
        objective.setId("objectiveKind");
        objective.getItems().setAll(SearchViewModel.ObjectiveKind.values());
        objective.valueProperty().bindBidirectional(viewModel.objectiveKindProperty());
        HBox pplFile = FormControls.pathField("objectiveFile", viewModel.objectiveFileProperty(), "text file (JSONL or lines)",
                FormControls.PathKind.FILE, "Perplexity text");
        TextField tasks = new TextField();
        tasks.setId("objectiveTasks");
        tasks.textProperty().bindBidirectional(viewModel.objectiveTasksProperty());
        tasks.setPrefColumnCount(16);
        var isPpl = viewModel.objectiveKindProperty().isEqualTo(SearchViewModel.ObjectiveKind.PERPLEXITY);
        pplFile.visibleProperty().bind(isPpl);
        pplFile.managedProperty().bind(isPpl);
        tasks.visibleProperty().bind(isPpl.not());
        tasks.managedProperty().bind(isPpl.not());
        HBox.setHgrow(pplFile, Priority.ALWAYS);
        Label scoreHint = new Label();
        scoreHint.setId("scoreHint");
        scoreHint.getStyleClass().add("hint");
        scoreHint.textProperty().bind(Bindings.when(isPpl)
                .then("score = -perplexity (higher is better)").otherwise("score = mean accuracy (higher is better)"));
        HBox data = FormControls.pathField("searchData", viewModel.dataFileProperty(), "fine-tuning data",
                FormControls.PathKind.FILE, "Fine-tuning data");
        HBox.setHgrow(data, Priority.ALWAYS);
        HBox objectiveRow = row(new Label("Objective"), objective, pplFile, tasks, scoreHint);
        HBox dataRow = row(new Label("Fine-tuning data"), data);

        HBox out = FormControls.pathField("searchOutputDir", viewModel.outputDirProperty(), "where rank JSON goes",
                FormControls.PathKind.DIRECTORY, "Search output");
        HBox.setHgrow(out, Priority.ALWAYS);
        VBox form = new VBox(6, search, counts, strategyRow, loop, workersRow, fidelity, objectiveRow, dataRow, row(new Label("Output"), out));
        form.disableProperty().bind(viewModel.runningProperty()); // a run keeps the settings it started with

        Button start = new Button("Search");
        start.setId("startSearch");
        start.disableProperty().bind(viewModel.runningProperty().or(context.state().currentModelProperty().isNull()));
        start.setOnAction(e -> viewModel.search());
        HBox startRow = row(start, FormControls.whyDisabled("searchHint", context, viewModel.runningProperty(),
                "the (pruned) model to search ranks for"));
        VBox box = new VBox(6, form, startRow);
        box.getStyleClass().add("card");
        return box;
    }

    /** Exports and handing the result to Recover; usable after a run and for a stored search. */
    private Node results() {
        Button exportBest = new Button("Export best JSON...");
        exportBest.setId("exportBest");
        exportBest.disableProperty().bind(viewModel.hasResultProperty().not());
        exportBest.setOnAction(e -> chooseDirectory("Export best ranks").ifPresent(viewModel::exportBest));
        Button exportSelected = new Button("Export selected JSON...");
        exportSelected.setId("exportSelected");
        exportSelected.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        exportSelected.setOnAction(e -> chooseDirectory("Export selected ranks").ifPresent(dir ->
                viewModel.exportIteration(table.getSelectionModel().getSelectedItem(), dir)));
        Button recoverBest = new Button("Recover with best ranks");
        recoverBest.setId("recoverBest");
        recoverBest.disableProperty().bind(viewModel.resultRankFileProperty().isNull().or(viewModel.runningProperty()));
        recoverBest.setOnAction(e -> recoverWithRanks.accept(viewModel.resultRankFileProperty().get()));
        Label exported = FormControls.hintLine("exportMessage", viewModel.exportMessageProperty());
        exported.getStyleClass().add("success");
        return new VBox(4, row(new Label("Result"), exportBest, exportSelected, recoverBest), exported);
    }

    private java.util.Optional<java.nio.file.Path> chooseDirectory(String title) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(title + " (rankadaptor_ranks.json + PEFT adapter_config.json)");
        File chosen = chooser.showDialog(window());
        return java.util.Optional.ofNullable(chosen).map(File::toPath);
    }

    /** Workers of a parallel search (member, devices, busy/idle) and the candidates they are measuring. */
    private Node cluster() {
        TableView<ClusterView.WorkerStatus> workers = new TableView<>(viewModel.workers());
        workers.setId("workerTable");
        workers.getColumns().add(textColumn("Member", 150, ClusterView.WorkerStatus::member));
        workers.getColumns().add(textColumn("Host", 120, ClusterView.WorkerStatus::host));
        workers.getColumns().add(textColumn("Devices", 110, ClusterView.WorkerStatus::devices));
        workers.getColumns().add(textColumn("State", 90, w -> w.idle() ? "idle" : "busy " + w.busy() + "/" + w.slots()));
        workers.setPlaceholder(new Label("Workers of a parallel search (Parallel > 1) appear here"));
        TableView<ClusterView.InFlight> flights = new TableView<>(viewModel.inFlight());
        flights.setId("inFlightTable");
        flights.getColumns().add(textColumn("Proposal", 70, f -> Integer.toString(f.proposalId())));
        flights.getColumns().add(textColumn("Ranks", 170, f -> Arrays.toString(f.ranks())));
        flights.getColumns().add(textColumn("Predicted", 90, f -> number(f.predicted())));
        flights.getColumns().add(textColumn("Member", 150, f -> f.member() == null ? "queued" : f.member()));
        flights.getColumns().add(textColumn("Elapsed", 80, f -> String.format(Locale.ROOT, "%.0f s", f.elapsedSeconds())));
        flights.setPlaceholder(new Label("No candidate in flight"));
        for (TableView<?> t : java.util.List.of(workers, flights)) {
            t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
            t.setPrefHeight(150);
            t.setMinHeight(120);
            HBox.setHgrow(t, Priority.ALWAYS);
        }
        HBox box = new HBox(12, workers, flights);
        box.getStyleClass().add("card");
        box.setId("clusterCard");
        // Only a parallel search has workers to show.
        var parallel = javafx.beans.binding.Bindings.createBooleanBinding(
                () -> viewModel.parallelProperty().get() > 1 || !viewModel.workers().isEmpty(),
                viewModel.parallelProperty(), viewModel.workers());
        box.visibleProperty().bind(parallel);
        box.managedProperty().bind(parallel);
        return box;
    }

    private Node charts() {
        String score = viewModel.scoreNameProperty().get();
        JFreeChart scatterChart = SearchCharts.createScatter(viewModel.scatter(), score);
        ChartViewer scatter = new ChartViewer(scatterChart);
        scatter.setId("searchScatter");
        ChartViewer convergence = new ChartViewer(SearchCharts.createConvergence(viewModel.errors()));
        convergence.setId("convergenceChart");
        JFreeChart historyChart = SweepCharts.createHistoryChart(viewModel.optimisationHistory(), score);
        ChartViewer history = new ChartViewer(historyChart);
        history.setId("historyChart");
        JFreeChart parallelChart = SweepCharts.createParallelChart(viewModel.rankVectors(), score);
        ChartViewer parallel = new ChartViewer(parallelChart);
        parallel.setId("parallelChart");
        JFreeChart importanceChart = SweepCharts.createImportanceChart(viewModel.layerImportance(), "score");
        ChartViewer importance = new ChartViewer(importanceChart);
        importance.setId("importanceChart");
        ChartViewer best = new ChartViewer(LayerRankChart.createChart(viewModel.bestRanks(), "Best rank configuration"));
        best.setId("bestRankChart");
        viewModel.scoreNameProperty().addListener((obs, old, name) -> {
            scatterChart.getXYPlot().getDomainAxis().setLabel("Predicted " + name);
            scatterChart.getXYPlot().getRangeAxis().setLabel("Measured " + name);
            historyChart.getXYPlot().getRangeAxis().setLabel(name);
        });
        for (ChartViewer viewer : List.of(scatter, convergence, history, parallel, importance, best)) {
            viewer.setPrefHeight(270);
            viewer.setMinHeight(220);
            viewer.setPrefWidth(380);
            HBox.setHgrow(viewer, Priority.ALWAYS);
            ChartInteraction.scrollPageNotChart(viewer);
        }

        table.setId("iterationTable");
        table.setItems(viewModel.history());
        table.getColumns().add(textColumn("#", 40, it -> Integer.toString(it.index() + 1)));
        table.getColumns().add(textColumn("Kind", 120, it -> SweepCharts.kindLabel(it.kind())));
        table.getColumns().add(textColumn("Ranks (layer 1, 2, ...)", 170, it -> Arrays.toString(it.ranks())));
        table.getColumns().add(textColumn("Predicted", 90, it -> number(it.predicted())));
        table.getColumns().add(textColumn("Measured", 90, it -> number(it.actual())));
        table.getColumns().add(textColumn("|Error|", 80, it -> number(it.absoluteError())));
        table.getColumns().add(textColumn("Seconds", 70, it -> String.format(Locale.ROOT, "%.1f", it.seconds())));
        table.getColumns().add(textColumn("Repeats", 150, it -> it.repeats() < 2 ? "1" : it.repeats() + ": "
                + Arrays.toString(Arrays.stream(it.scores()).map(v -> Math.round(v * 1e4) / 1e4).toArray())));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("Measurements appear here as they are made"));
        table.setRowFactory(t -> {
            TableRow<SearchIteration> row = new TableRow<>();
            row.itemProperty().addListener((obs, old, it) -> row.setTooltip(it == null ? null
                    : new Tooltip(SweepCharts.describe(it))));
            return row;
        });
        table.setPrefHeight(270);
        table.setPrefWidth(560);
        HBox.setHgrow(table, Priority.ALWAYS);

        HBox top = new HBox(12, scatter, convergence, history);
        HBox middle = new HBox(12, table, best);
        HBox bottom = new HBox(12, parallel, importance);
        VBox box = new VBox(10, top, middle, bottom);
        box.getStyleClass().add("card");
        return box;
    }

    /** perf-model check in the GUI: held-out predicted vs measured of the best model, and the figures of all. */
    private Node modelCheck() {
        HBox file = FormControls.pathField("checkFile", viewModel.checkFileProperty(),
                "measurement file (empty = the last stored search)", FormControls.PathKind.FILE, "Measurement file");
        HBox.setHgrow(file, Priority.ALWAYS);
        Button check = new Button("Check performance model");
        check.setId("checkPerformanceModel");
        check.setOnAction(e -> viewModel.checkPerformanceModel());
        ChartViewer scatter = new ChartViewer(SearchCharts.createScatter(viewModel.checkScatter(), "held-out score"));
        scatter.setId("checkScatter");
        scatter.setPrefHeight(270);
        scatter.setPrefWidth(420);
        javafx.scene.control.TextArea report = new javafx.scene.control.TextArea();
        report.setId("checkReport");
        report.setEditable(false);
        report.setStyle("-fx-font-family: monospace;");
        report.textProperty().bind(viewModel.checkReportProperty());
        report.setPrefRowCount(12);
        HBox.setHgrow(report, Priority.ALWAYS);
        VBox box = new VBox(6, FormControls.sectionTitle("Performance-model check (5-fold held out: MLP, MLP"
                + " ensemble, ridge, Gaussian process)"), row(new Label("Data"), file, check),
                new HBox(12, scatter, report));
        box.getStyleClass().add("card");
        return box;
    }

    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "-";
    }

    private static <T> TableColumn<T, String> textColumn(String name, double width, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(name);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setSortable(false);
        return column;
    }

    private static HBox row(Node... nodes) {
        HBox row = new HBox(6, nodes);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    static String strategyLabel(SearchSettings.Strategy strategy) {
        return switch (strategy) {
            case RANKADAPTOR -> "RankAdaptor (performance model)";
            case RANDOM -> "random (same budget)";
            case GRID -> "grid (every configuration)";
        };
    }
}
