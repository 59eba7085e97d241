package org.rankadaptor.ui;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import org.rankadaptor.TestData;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;
import org.rankadaptor.model.Tokenizers;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers for the headless TestFX tests of the workbench. */
final class FxTestSupport {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private FxTestSupport() {
    }

    /** Monocle's headless screen defaults to 1280x800, smaller than the window; call before the toolkit starts. */
    static void configureHeadlessScreen() {
        System.setProperty("headless.geometry", "1600x1000-32");
    }

    /** Runs {@code call} on the FX thread and returns its result. */
    static <T> T fx(Callable<T> call) {
        try {
            return WaitForAsyncUtils.asyncFx(call).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("FX call failed: " + e, e);
        }
    }

    /** Waits until {@code condition} (evaluated on the FX thread) holds. */
    static void waitUntil(String what, double seconds, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS, () -> fx(condition));
        } catch (TimeoutException e) {
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
        }
    }

    static void waitForJobs(Workbench workbench, double seconds) {
        waitUntil("jobs to finish", seconds, () -> !workbench.context().jobs().isBusy());
    }

    /**
     * Scrolls the screen so the node matching {@code query} is in view, then clicks it: a finished job moves the focus
     * (and with it the screen's scroll position) away from buttons near the top.
     */
    static void clickInView(org.testfx.api.FxRobot robot, String query) {
        fx(() -> {
            javafx.scene.Node node = robot.lookup(query).query();
            for (javafx.scene.Node n = node.getParent(); n != null; n = n.getParent()) {
                if (n instanceof javafx.scene.control.ScrollPane pane && pane.getContent() != null) {
                    double contentHeight = pane.getContent().getBoundsInLocal().getHeight();
                    double viewport = pane.getViewportBounds().getHeight();
                    double y = pane.getContent().sceneToLocal(node.localToScene(0, 0)).getY();
                    pane.setVvalue(contentHeight <= viewport ? 0 : Math.max(0, Math.min(1, (y - 20) / (contentHeight - viewport))));
                }
            }
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(query);
    }

    /** Saves the scene as target/screenshots/NAME.png. */
    static Path snapshot(Scene scene, String name) {
        WritableImage image = fx(() -> scene.snapshot(null));
        Path file = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.createDirectories(SCREENSHOTS);
            ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file, e);
        }
        return file;
    }

    /**
     * A random LLaMA with stories260K's tokenizer (vocab 512), for tests that need a second or a slower model.
     */
    static Path randomModelWithTokenizer(Path dir, LlamaConfig config, long seed) throws IOException {
        RandomCheckpoint.write(dir, config, seed, TensorDType.F32);
        Path source = TestData.stories260K();
        for (String name : Tokenizers.TOKENIZER_FILES) {
            Path file = source.resolve(name);
            if (Files.exists(file) && !name.equals("generation_config.json")) {
                Files.copy(file, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
