package io.netfabric.core;

/**
 * The helper's setting for Netty's buffer leak detector: off unless the JVM was told otherwise.
 *
 * <p>Netty tracks one buffer in 128 by default. On a fabric loop that costs a stack trace per
 * tracked buffer, and the tracked buffers are a second {@code ByteBuf} class at every buffer call
 * site: the first one to reach a compiled frame path deoptimises it (JFR showed class_check traps
 * in the TCP and host read paths of the user netdev, then their recompilation, in the first
 * connections after a bulk transfer). The tests run the detector paranoid; to hunt a leak in the
 * helper, set {@code -Dio.netty.leakDetection.level=simple} (or {@code paranoid}).
 */
public final class LeakDetectionDefault {
    /** Netty's property, read once when its leak detector class initialises. */
    public static final String PROPERTY = "io.netty.leakDetection.level";

    private LeakDetectionDefault() {
    }

    /** Turns the detector off unless the property is set; call before any buffer is allocated. */
    public static void offUnlessSet() {
        if (System.getProperty(PROPERTY) == null && System.getProperty("io.netty.noResourceLeakDetection") == null) {
            System.setProperty(PROPERTY, "disabled");
        }
    }
}
