package org.rankadaptor.ui;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.fx.ChartViewer;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.Search;

import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * History screen: what the workspace remembers across restarts. Every stored search (open it on the Search screen
 * with its charts and exports), every recovery run with its loss curve (open it on the Recover screen), and every
 * evaluation with n and standard error. Double-click a row to open it.
 */
public final class HistoryView extends AbstractScreen<HistoryViewModel> {
    public static final String TITLE = "History";

    private final TableView<HistoryViewModel.SearchRow> searchTable = new TableView<>();
    private final TableView<HistoryViewModel.RunRow> runTable = new TableView<>();
    private final TableView<HistoryViewModel.EvaluationRow> evaluationTable = new TableView<>();

    /**
     * @param showSearch shows a stored search on the Search screen
     * @param showRun    shows a stored run's curve on the Recover screen
     */
    public HistoryView(WorkbenchContext context, Consumer<Search> showSearch, BiConsumer<RecoveryRun, java.util.List<org.rankadaptor.store.CurveRecord>> showRun) {
        super(TITLE, new HistoryViewModel(context));

        searchTable.setId("historySearches");
        searchTable.setItems(viewModel.searches());
        searchTable.getColumns().add(column("#", 50, r -> Long.toString(r.search().id())));
        searchTable.getColumns().add(column("Model", 150, HistoryViewModel.SearchRow::model));
        searchTable.getColumns().add(column("Objective", 260, r -> r.search().objective()));
        searchTable.getColumns().add(column("Status", 90, r -> r.search().status().name().toLowerCase(Locale.ROOT)));
        searchTable.getColumns().add(column("Measurements", 100, r -> Integer.toString(r.measurements())));
        searchTable.getColumns().add(column("Best score", 100, HistoryViewModel.SearchRow::best));
        searchTable.getColumns().add(column("Started", 130, HistoryViewModel.SearchRow::when));
        searchTable.setPlaceholder(new Label("No searches stored in this workspace yet"));
        openOnDoubleClick(searchTable, r -> showSearch.accept(r.search()));
        Button openSearch = new Button("Show in Search (plots, table, export)");
        openSearch.setId("showStoredSearch");
        openSearch.disableProperty().bind(searchTable.getSelectionModel().selectedItemProperty().isNull());
        openSearch.setOnAction(e -> showSearch.accept(searchTable.getSelectionModel().getSelectedItem().search()));

        runTable.setId("historyRuns");
        runTable.setItems(viewModel.runs());
        runTable.getColumns().add(column("#", 50, r -> Long.toString(r.run().id())));
        runTable.getColumns().add(column("Model", 150, HistoryViewModel.RunRow::model));
        runTable.getColumns().add(column("Run", 220, r -> r.run().name()));
        runTable.getColumns().add(column("Status", 90, r -> r.run().status().name().toLowerCase(Locale.ROOT)));
        runTable.getColumns().add(column("Steps", 60, r -> Integer.toString(r.steps())));
        runTable.getColumns().add(column("Last loss", 80, HistoryViewModel.RunRow::finalLoss));
        runTable.getColumns().add(column("Started", 130, HistoryViewModel.RunRow::when));
        runTable.setPlaceholder(new Label("No recovery runs stored in this workspace yet"));
        runTable.getSelectionModel().selectedItemProperty().addListener((obs, old, row) ->
                viewModel.selectedRunProperty().set(row));
        openOnDoubleClick(runTable, r -> showRun.accept(r.run(), viewModel.curve(r.run())));
        Button openRun = new Button("Show in Recover");
        openRun.setId("showStoredRun");
        openRun.disableProperty().bind(runTable.getSelectionModel().selectedItemProperty().isNull());
        openRun.setOnAction(e -> {
            RecoveryRun run = runTable.getSelectionModel().getSelectedItem().run();
            showRun.accept(run, viewModel.curve(run));
        });
        ChartViewer loss = new ChartViewer(RecoverView.createLossChart(viewModel.lossPreview()));
        loss.setId("historyLossChart");
        loss.setPrefSize(420, 260);
        loss.setMinHeight(220);
        ChartInteraction.scrollPageNotChart(loss);

        evaluationTable.setId("historyEvaluations");
        evaluationTable.setItems(viewModel.evaluations());
        evaluationTable.getColumns().add(column("#", 50, r -> Long.toString(r.evaluation().id())));
        evaluationTable.getColumns().add(column("What", 300, HistoryViewModel.EvaluationRow::subject));
        evaluationTable.getColumns().add(column("Task", 110, r -> r.evaluation().task()));
        evaluationTable.getColumns().add(column("Score", 260, HistoryViewModel.EvaluationRow::score));
        evaluationTable.getColumns().add(column("When", 130, HistoryViewModel.EvaluationRow::when));
        evaluationTable.setPlaceholder(new Label("No evaluations stored yet (Compare screen, or the eval command)"));

        for (TableView<?> t : new TableView<?>[] {searchTable, runTable, evaluationTable}) {
            t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
            t.setPrefHeight(190);
            t.setMinHeight(150);
        }
        Button refresh = new Button("Refresh");
        refresh.setId("refreshHistory");
        refresh.setOnAction(e -> viewModel.refresh());

        VBox searches = new VBox(6, FormControls.sectionTitle("Searches"), searchTable, row(openSearch, refresh));
        searches.getStyleClass().add("card");
        VBox runList = new VBox(6, FormControls.sectionTitle("Recovery runs"), runTable, row(openRun));
        HBox.setHgrow(runList, Priority.ALWAYS);
        HBox runs = new HBox(12, runList, loss);
        runs.getStyleClass().add("card");
        VBox evaluations = new VBox(6, FormControls.sectionTitle("Evaluations"), evaluationTable);
        evaluations.getStyleClass().add("card");
        Label hint = new Label("Everything here is read from the workspace store and survives a restart;"
                + " double-click a search or run to open it on its screen.");
        hint.getStyleClass().add("hint");
        show(hint, searches, runs, evaluations);
        FormControls.keepLabelsWhole(view());
        viewModel.refresh();
    }

    private static <R> void openOnDoubleClick(TableView<R> table, Consumer<R> open) {
        table.setRowFactory(t -> {
            TableRow<R> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    open.accept(row.getItem());
                }
            });
            return row;
        });
    }

    private static <R> TableColumn<R, String> column(String name, double width, Function<R, String> value) {
        TableColumn<R, String> column = new TableColumn<>(name);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        return column;
    }

    private static HBox row(javafx.scene.Node... nodes) {
        HBox row = new HBox(8, nodes);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }
}
