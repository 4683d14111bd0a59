package io.netfabric.wire;

/** Whether a repr's {@code parse} verifies checksums, or trusts them (offloaded or already checked). */
public enum ChecksumMode {
    VERIFY,
    SKIP
}
