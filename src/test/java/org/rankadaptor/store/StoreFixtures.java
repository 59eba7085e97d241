package org.rankadaptor.store;

/** Small builders shared by the store tests. */
final class StoreFixtures {
    private StoreFixtures() {
    }

    static ModelRecord model(Workspace workspace, String path) {
        return workspace.models().add(new NewModel(path, "llama-test", "{\"layers\":4}", "f" + path.hashCode(), 1_000));
    }

    static Search search(Workspace workspace, long modelId) {
        return workspace.searches().create(new NewSearch(modelId, "{\"ranks\":[2,4,8]}", "{\"budget\":1000}",
                "mean_acc", "{\"steps\":10}"));
    }

    static NewSearchIteration iteration(int index) {
        return new NewSearchIteration(index, "[" + index + ",4,8,2]", 0.5 + index * 0.001, 0.4 + index * 0.001, 0.01);
    }
}
