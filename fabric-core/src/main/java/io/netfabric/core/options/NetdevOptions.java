package io.netfabric.core.options;

/** Placeholder until the options branch lands. */
public interface NetdevOptions {
    String type();
}
