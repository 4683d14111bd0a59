package io.netfabric.core;

import java.util.Map;

/**
 * A QMP event raised by the fabric or a backend ({@code NETDEV_STREAM_CONNECTED},
 * {@code NIC_RX_FILTER_CHANGED}, ...). {@code data} holds QAPI member names and JSON-ready
 * values; the timestamp is wall-clock time in microseconds, split as QMP wants it by the server.
 */
public record FabricEvent(String event, Map<String, Object> data, long epochMicros) {
}
