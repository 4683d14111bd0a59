package io.netfabric.qmp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * netfabric's version in QEMU's {@code VersionInfo} shape: {@code qemu} carries netfabric's
 * major/minor/micro (clients such as libvirt parse it) and {@code package} says what we are.
 */
public final class QmpVersion {
    public static final int MAJOR = 0;
    public static final int MINOR = 1;
    public static final int MICRO = 0;
    public static final String PACKAGE = "netfabric " + MAJOR + "." + MINOR + "." + MICRO;

    private QmpVersion() {
    }

    /** {@code {"qemu": {"major", "minor", "micro"}, "package"}}, query-version's return. */
    public static ObjectNode json() {
        ObjectNode qemu = JsonNodeFactory.instance.objectNode();
        qemu.put("major", MAJOR);
        qemu.put("minor", MINOR);
        qemu.put("micro", MICRO);
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.set("qemu", qemu);
        v.put("package", PACKAGE);
        return v;
    }
}
