package org.rankadaptor.ui;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.controlsfx.control.PropertySheet;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYDataset;
import org.rankadaptor.lora.FinetuneMethod;

import java.awt.BasicStroke;

/** Recover screen: fine-tune a LoRA / AdaLoRA / RankAdaptor adapter on the open model with a live loss curve. */
public final class RecoverView extends AbstractScreen<RecoverViewModel> {
    public static final String TITLE = "Recover";


    public RecoverView(WorkbenchContext context) {
        super(TITLE, new RecoverViewModel(context));

        PropertySheet sheet = new PropertySheet(viewModel.sheetItems());
        sheet.setId("recoverSettings");
        sheet.setMode(PropertySheet.Mode.CATEGORY);   // LoRA, Training and AdaLoRA settings in their own sections
        sheet.setCategoryComparator(java.util.Comparator.comparingInt(RecoverViewModel.SECTIONS::indexOf));
        sheet.setPropertyEditorFactory(SheetEditors.factory());
        sheet.setModeSwitcherVisible(false);
        sheet.disableProperty().bind(viewModel.runningProperty()); // a run keeps the settings it started with
        sheet.setSearchBoxVisible(false);
        sheet.setPrefWidth(360);
        sheet.setMinWidth(320);

        ChartViewer loss = new ChartViewer(createLossChart(viewModel.lossDataset()));
        loss.setId("lossChart");
        loss.setPrefHeight(300);
        loss.setMinHeight(220);
        ChartViewer ranks = new ChartViewer(LayerRankChart.createChart(viewModel.rankDataset(), "LoRA rank per layer"));
        ranks.setId("recoverRankChart");
        ranks.setPrefHeight(240);
        ranks.setMinHeight(180);
        VBox charts = new VBox(8, loss, ranks);
        charts.getStyleClass().add("card");
        HBox.setHgrow(charts, Priority.ALWAYS);
        VBox.setVgrow(loss, Priority.ALWAYS);
        VBox settings = new VBox(4, FormControls.sectionTitle("Hyper-parameters"), sheet);
        settings.getStyleClass().add("card");
        VBox.setVgrow(sheet, Priority.ALWAYS);
        HBox body = new HBox(12, settings, charts);
        VBox.setVgrow(body, Priority.ALWAYS);

        Label outcome = new Label();
        outcome.setId("recoverOutcome");
        outcome.setWrapText(true);
        outcome.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        outcome.textProperty().bind(viewModel.outcomeTextProperty());
        Node inputs = inputs(context);
        show(inputs, FormControls.hintLine("recoverUsedSettings", javafx.beans.binding.Bindings.when(
                        viewModel.usedSettingsProperty().isEmpty()).then("").otherwise(
                        javafx.beans.binding.Bindings.concat("Run settings: ", viewModel.usedSettingsProperty()))),
                FormControls.hintLine("recoverShownRun", viewModel.shownRunProperty()), body, outcome);
        FormControls.keepLabelsWhole(view());
    }

    private Node inputs(WorkbenchContext context) {
        ChoiceBox<FinetuneMethod> method = new ChoiceBox<>();
        method.setId("recoveryMethod");
        method.getItems().setAll(FinetuneMethod.values());
        method.setConverter(new StringConverter<>() {
            @Override
            public String toString(FinetuneMethod m) {
                return m == null ? "" : RecoverViewModel.label(m);
            }

            @Override
            public FinetuneMethod fromString(String s) {
                return FinetuneMethod.valueOf(s);
            }
        });
        method.valueProperty().bindBidirectional(viewModel.methodProperty());
        HBox rankFile = FormControls.pathField("rankFile", viewModel.rankFileProperty(),
                "rankadaptor_ranks.json from a search, or a plan / adapter_config.json", FormControls.PathKind.FILE, "Rank file");
        Label rankFileLabel = new Label("Rank file");
        HBox data = FormControls.pathField("recoverData", viewModel.dataFileProperty(),
                "Alpaca JSON or text JSONL", FormControls.PathKind.FILE, "Training data");
        HBox out = FormControls.pathField("recoverOutputDir", viewModel.outputDirProperty(),
                "adapter output directory", FormControls.PathKind.DIRECTORY, "Adapter directory");
        Button train = new Button("Train");
        train.setId("train");
        train.disableProperty().bind(viewModel.runningProperty().or(context.state().currentModelProperty().isNull()));
        train.setOnAction(e -> viewModel.train());
        Label cancelHint = FormControls.whyDisabled("trainHint", context, viewModel.runningProperty(),
                "the model to recover (usually a pruned one)");

        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        grid.addRow(0, new Label("Method"), method, rankFileLabel, rankFile);
        grid.addRow(1, new Label("Data"), data, new Label("Output"), out);
        HBox actions = new HBox(8, train, cancelHint);
        actions.setAlignment(Pos.CENTER_LEFT);
        grid.add(actions, 1, 2, 3, 1);
        GridPane.setHgrow(rankFile, Priority.ALWAYS);
        GridPane.setHgrow(out, Priority.ALWAYS);
        GridPane.setHgrow(data, Priority.SOMETIMES);
        method.disableProperty().bind(viewModel.runningProperty());
        for (Node field : new Node[] {data, out}) {
            field.disableProperty().bind(viewModel.runningProperty());
        }
        rankFile.disableProperty().bind(viewModel.runningProperty().or(viewModel.methodProperty().isEqualTo(FinetuneMethod.LORA)
                .or(viewModel.methodProperty().isEqualTo(FinetuneMethod.ADALORA))));
        return grid;
    }

    static JFreeChart createLossChart(XYDataset dataset) {
        JFreeChart chart = ChartFactory.createXYLineChart("Loss", "Optimizer step", "Loss (nats / token)", dataset,
                PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesStroke(1, new BasicStroke(2f));
        renderer.setSeriesShapesVisible(0, false);
        renderer.setSeriesPaint(0, Charts.PALETTE[0]);
        renderer.setSeriesPaint(1, Charts.PALETTE[1]);
        chart.getXYPlot().setRenderer(renderer);
        ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
        ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getDomainAxis())
                .setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        return chart;
    }
}
