package io.netfabric.core;

/**
 * The helper's settings for Netty, each unless the JVM was told otherwise; {@link #apply()}
 * before any Netty class runs.
 *
 * <ul>
 * <li>The buffer leak detector off ({@value #LEAK_PROPERTY}). Netty tracks one buffer in 128 by
 * default. On a fabric loop that costs a stack trace per tracked buffer, and the tracked buffers
 * are a second {@code ByteBuf} class at every buffer call site: the first one to reach a compiled
 * frame path deoptimises it (JFR showed class_check traps in the TCP and host read paths of the
 * user netdev, then their recompilation, in the first connections after a bulk transfer). The
 * tests run the detector paranoid; to hunt a leak in the helper, set
 * {@code -Dio.netty.leakDetection.level=simple} (or {@code paranoid}).
 * <li>Netty's JFR events off ({@value #JFR_PROPERTY}). Netty 4.2's allocators declare JFR event
 * classes, and the first chunk they allocate registers them with the flight recorder, which
 * initialises its metadata: about 100 ms of a cold start, most of what a first QMP client waited
 * between the socket accepting it and the greeting (2026-12-06: the first answer 620-650 ms after
 * the process started instead of 700-760). Nothing here records those events; with
 * {@code -Dio.netty.jfr.enabled=true} a recording gets them again.
 * </ul>
 */
public final class HelperNettyDefaults {
    /** Netty's property, read once when its leak detector class initialises. */
    public static final String LEAK_PROPERTY = "io.netty.leakDetection.level";
    /** Netty's property, read once when its PlatformDependent class initialises. */
    public static final String JFR_PROPERTY = "io.netty.jfr.enabled";

    private HelperNettyDefaults() {
    }

    /** Sets both defaults where no property says otherwise. */
    public static void apply() {
        if (System.getProperty(LEAK_PROPERTY) == null && System.getProperty("io.netty.noResourceLeakDetection") == null) {
            System.setProperty(LEAK_PROPERTY, "disabled");
        }
        if (System.getProperty(JFR_PROPERTY) == null) {
            System.setProperty(JFR_PROPERTY, "false");
        }
    }
}
