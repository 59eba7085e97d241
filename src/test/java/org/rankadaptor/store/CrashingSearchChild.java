package org.rankadaptor.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for {@link CrashResumeTest}: runs a search that commits one iteration after another until it is
 * killed. Prints "SEARCH id", then "BEGIN i" when an iteration starts and "COMMITTED i" once it is stored.
 */
public final class CrashingSearchChild {
    private CrashingSearchChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Workspace workspace = Workspace.open(dir);
        long modelId = StoreFixtures.model(workspace, "/models/crash").id();
        long searchId = StoreFixtures.search(workspace, modelId).id();
        workspace.searches().markRunning(searchId);
        workspace.searches().startHeartbeat(searchId, Duration.ofMillis(200));
        System.out.println("SEARCH " + searchId);
        System.out.flush();
        for (int i = 0; ; i++) {
            System.out.println("BEGIN " + i);
            System.out.flush();
            Thread.sleep(15); // the "work" of an iteration
            workspace.searches().recordIteration(searchId, StoreFixtures.iteration(i));
            System.out.println("COMMITTED " + i);
            System.out.flush();
            Thread.sleep(10);
        }
    }
}
