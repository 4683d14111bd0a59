package io.netfabric.core.options;

/** Placeholder until the options branch lands. */
public record Netdev(String id, NetdevOptions options) {
}
