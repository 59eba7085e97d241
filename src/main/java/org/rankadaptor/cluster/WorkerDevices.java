package org.rankadaptor.cluster;

import ai.djl.Device;
import org.rankadaptor.model.Placement;

import java.util.ArrayList;
import java.util.List;

/**
 * What a worker measures on: one slot per GPU ({@code --gpus 0,1}), or N CPU slots ({@code --device cpu --slots N}).
 * Each slot runs one measurement at a time on its device.
 */
public record WorkerDevices(List<String> devices) {
    public WorkerDevices {
        devices = List.copyOf(devices);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a worker needs at least one device slot");
        }
    }

    /** "0,1" -> gpu0, gpu1. */
    public static WorkerDevices gpus(String list) {
        List<String> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String id = part.trim();
            if (!id.matches("\\d+")) {
                throw new IllegalArgumentException("--gpus takes GPU numbers like 0,1,2 — '" + id + "' is not one");
            }
            if (out.contains("gpu" + id)) {
                throw new IllegalArgumentException("--gpus names GPU " + id + " twice");
            }
            out.add("gpu" + id);
        }
        return new WorkerDevices(out);
    }

    public static WorkerDevices cpu(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("--slots must be >= 1, got " + slots);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            out.add("cpu");
        }
        return new WorkerDevices(out);
    }

    public int slots() {
        return devices.size();
    }

    /** As advertised in the member attribute: "gpu0,gpu1" or "cpu,cpu". */
    public String spec() {
        return String.join(",", devices);
    }

    static Placement placement(String device) {
        return device.startsWith("gpu") ? Placement.on(Device.gpu(Integer.parseInt(device.substring(3))))
                : Placement.cpu();
    }
}
