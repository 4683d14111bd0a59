package io.netfabric.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a repr's {@code parse}: a value, or the {@link Malformed} reason it was refused.
 * Failures are shared constants, so a drop allocates nothing.
 *
 * @param <T> the repr type
 */
public final class ParseResult<T> {
    private static final Map<Malformed, ParseResult<?>> FAILURES = new EnumMap<>(Malformed.class);

    static {
        for (Malformed m : Malformed.values()) {
            FAILURES.put(m, new ParseResult<>(null, m));
        }
    }

    private final T value;
    private final Malformed reason;

    private ParseResult(T value, Malformed reason) {
        this.value = value;
        this.reason = reason;
    }

    public static <T> ParseResult<T> ok(T value) {
        return new ParseResult<>(Objects.requireNonNull(value, "value"), null);
    }

    @SuppressWarnings("unchecked")
    public static <T> ParseResult<T> malformed(Malformed reason) {
        return (ParseResult<T>) FAILURES.get(Objects.requireNonNull(reason, "reason"));
    }

    public boolean isOk() {
        return reason == null;
    }

    /** The parsed value; only valid when {@link #isOk()}. */
    public T value() {
        if (reason != null) {
            throw new IllegalStateException("no value: " + reason);
        }
        return value;
    }

    /** Why parsing failed, or {@code null} when {@link #isOk()}. */
    public Malformed reason() {
        return reason;
    }

    @Override
    public String toString() {
        return isOk() ? "Ok(" + value + ")" : "Malformed(" + reason + ")";
    }
}
