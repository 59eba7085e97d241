package org.rankadaptor.ui;

import javafx.scene.Scene;
import org.rankadaptor.store.Workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Wires the workbench together: log, error banner, job runner, shared state, and the screens in navigation order.
 * New screens are added in {@link #create}: {@code window.addScreen(new PruneView(context))}.
 */
public final class Workbench implements AutoCloseable {
    private final WorkbenchContext context;
    private final MainWindow window;
    private final List<WorkbenchScreen> screens = new ArrayList<>();

    private Workbench(WorkbenchContext context, MainWindow window) {
        this.context = context;
        this.window = window;
    }

    /** DJL reads this when the PyTorch engine starts; the workbench sets it only when the user has not. */
    static final String TORCH_THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    /** Builds the window with all screens and no workspace store (runs are not recorded). FX thread. */
    public static Workbench create(RecentModels recentModels) {
        return create(recentModels, null);
    }

    /**
     * Builds the window with all screens; {@code workspaceOpener} (e.g. {@code Workspace::open}) runs as the first
     * job, and when it fails the app still starts with the reason in the error banner. FX thread.
     */
    public static Workbench create(RecentModels recentModels, Supplier<Workspace> workspaceOpener) {
        reserveCoreForUi();
        LogConsole log = new LogConsole();
        ErrorBanner banner = new ErrorBanner(log);
        JobRunner jobs = new JobRunner(log, banner);
        WorkbenchState state = new WorkbenchState(jobs);
        WorkbenchStore store = workspaceOpener == null ? WorkbenchStore.none(log) : WorkbenchStore.open(jobs, log, workspaceOpener);
        WorkbenchContext context = new WorkbenchContext(state, jobs, log, banner,
                new StoreRecentModels(recentModels, store), store);
        Workbench workbench = new Workbench(context, new MainWindow(context, banner));
        ModelView modelView = new ModelView(context);
        workbench.add(modelView);
        // a pruned model is opened to be recovered next, not pruned again
        workbench.add(new PruneView(context, dir -> modelView.viewModel().open(dir).addEventHandler(
                javafx.concurrent.WorkerStateEvent.WORKER_STATE_SUCCEEDED, e -> workbench.window().show(RecoverView.TITLE))));
        RecoverView recoverView = new RecoverView(context);
        workbench.add(recoverView);
        SearchView searchView = new SearchView(context, ranks -> {
            recoverView.viewModel().useRankFile(ranks);
            workbench.window().show(RecoverView.TITLE);
        });
        workbench.add(searchView);
        workbench.add(new CompareView(context));
        workbench.add(new HistoryView(context, search -> {
            searchView.viewModel().showStored(store.require("show a stored search"), search);
            workbench.window().show(SearchView.TITLE);
        }, (run, curve) -> {
            recoverView.viewModel().showStoredRun(run, curve);
            workbench.window().show(RecoverView.TITLE);
        }));
        workbench.add(new GenerateView(context));
        workbench.restoreLastSession(modelView, searchView, recoverView);
        return workbench;
    }

    /**
     * After a restart: once the workspace and its settings are read, reopens the model that was open and shows the
     * newest stored search and recovery run on their screens, so nothing starts empty. Remembers the open model.
     */
    private void restoreLastSession(ModelView modelView, SearchView searchView, RecoverView recoverView) {
        WorkbenchSettings settings = context.store().settings();
        context.state().currentModelProperty().addListener((obs, old, model) -> {
            if (model != null) {
                settings.put(WorkbenchSettings.LAST_MODEL, model.dir().toString());
            }
        });
        settings.whenLoaded(() -> {
            Workspace ws = context.store().orNull();
            if (ws == null) {
                return;
            }
            String last = settings.get(WorkbenchSettings.LAST_MODEL);
            if (last != null && context.state().getCurrentModel() == null && !modelView.viewModel().loadingProperty().get()
                    && java.nio.file.Files.isDirectory(java.nio.file.Path.of(last))) {
                context.log().append("reopening the last model " + last);
                modelView.viewModel().open(java.nio.file.Path.of(last));
            }
            try {
                ws.searches().list().stream().max(java.util.Comparator.comparingLong(org.rankadaptor.store.Search::id))
                        .ifPresent(search -> searchView.viewModel().showStored(ws, search));
                ws.recoveryRuns().list().stream().max(java.util.Comparator.comparingLong(org.rankadaptor.store.RecoveryRun::id))
                        .ifPresent(run -> recoverView.viewModel().showStoredRun(run, ws.recoveryRuns().curve(run.id())));
            } catch (RuntimeException e) {
                context.errors().showError("Show the last session", e);
            }
        });
    }

    /**
     * PyTorch uses every core for one matmul by default, which starves the FX thread and the renderer on small
     * machines. Leave one core to the UI; no effect when the engine is already running or the user chose a count.
     */
    private static void reserveCoreForUi() {
        int cores = Runtime.getRuntime().availableProcessors();
        if (System.getProperty(TORCH_THREADS_PROPERTY) == null && cores > 1) {
            System.setProperty(TORCH_THREADS_PROPERTY, Integer.toString(cores - 1));
        }
    }

    private void add(WorkbenchScreen screen) {
        screens.add(screen);
        window.addScreen(screen);
    }

    public Scene createScene() {
        return window.createScene();
    }

    /** Starts background refreshes; call after the stage is shown. */
    public void start() {
        window.start();
        context.jobs().runAfterQueuedJobs("prepare chart fonts", Charts::warmUp);
        context.log().append("RankAdaptor Workbench started (JVM max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)");
    }

    public MainWindow window() {
        return window;
    }

    public WorkbenchContext context() {
        return context;
    }

    /** The screen with this title, for tests and for screens that hand work to each other. */
    public <S extends WorkbenchScreen> S screen(String title, Class<S> type) {
        return screens.stream().filter(s -> s.title().equals(title)).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no screen titled '" + title + "'"));
    }

    /** Cancels the running job and closes models after it. FX thread. */
    @Override
    public void close() {
        window.stop();
        context.jobs().cancelCurrent();
        screens.forEach(WorkbenchScreen::dispose);
        context.state().closeCurrentModel();
        context.store().closeAfter(context.jobs());
        context.jobs().close();
    }
}
