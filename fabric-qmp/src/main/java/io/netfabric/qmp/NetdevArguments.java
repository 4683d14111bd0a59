package io.netfabric.qmp;

import io.netfabric.core.options.Netdev;
import java.util.Map;
import java.util.Set;

/**
 * The QMP front door of the netdev options model: {@code netdev_add}'s arguments in, a typed
 * {@link Netdev} out, and back for {@code query-netdev}. fabric-core's options decoder is plugged
 * in here; fabric-qmp only converts JSON to plain Java and back.
 */
public interface NetdevArguments {
    /**
     * Decodes {@code netdev_add}'s arguments (String, Boolean, Long/BigInteger, Double, List,
     * Map values, insertion ordered), with QEMU's messages on refusal
     * ({@link io.netfabric.core.FabricException}). {@code availableTypes} are the types whose
     * backends are present.
     */
    Netdev decode(Map<String, Object> arguments, Set<String> availableTypes);

    /** The netdev's options as {@code netdev_add} arguments ({@code id}, {@code type} included or not). */
    Map<String, Object> encode(Netdev netdev);
}
