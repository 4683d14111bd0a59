package io.netfabric.core.options;

/** Placeholder until the options branch lands. */
public record HubPortOptions(Integer hubid, String netdev) implements NetdevOptions {
    @Override
    public String type() {
        return "hubport";
    }
}
