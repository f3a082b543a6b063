package dev.kubepath.model;

import java.util.Locale;

/** The daemons whose presence decides a host's network: their unit names as systemctl knows them. */
public enum Daemon {
    FLANNELD("flanneld"), DOCKER("docker"), KUBELET("kubelet"), KUBE_PROXY("kube-proxy"), ETCD("etcd");

    private final String unit;

    Daemon(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    public static Daemon fromUnit(String text) {
        String u = text.toLowerCase(Locale.ROOT).replaceFirst("\\.service$", "");
        for (Daemon d : values()) if (d.unit.equals(u)) return d;
        throw new IllegalArgumentException("unknown unit '" + text + "' (expected flanneld, docker, kubelet, kube-proxy or etcd)");
    }

    /** systemctl is-active words, plus not-found for a unit the host does not have. */
    public enum State {
        ACTIVE, INACTIVE, FAILED, NOT_FOUND;

        public String word() {
            return this == NOT_FOUND ? "not-found" : name().toLowerCase(Locale.ROOT);
        }

        public static State fromWord(String w) {
            return switch (w.trim().toLowerCase(Locale.ROOT)) {
                case "active", "running", "activating", "reloading" -> ACTIVE;
                case "inactive", "dead", "deactivating" -> INACTIVE;
                case "failed" -> FAILED;
                case "not-found", "unknown", "absent" -> NOT_FOUND;
                default -> throw new IllegalArgumentException("'" + w + "' is not a unit state (expected active, inactive, failed or not-found)");
            };
        }
    }
}
