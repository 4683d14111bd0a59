package io.netfabric.core;

/** QAPI {@code RxState}: how a NIC's receive filter treats one class of destination address. */
public enum RxState {
    /** Only the addresses the filter lists (QAPI {@code normal}). */
    NORMAL("normal"),
    /** None of the class (QAPI {@code none}). */
    NONE("none"),
    /** All of the class (QAPI {@code all}). */
    ALL("all");

    private final String qapiName;

    RxState(String qapiName) {
        this.qapiName = qapiName;
    }

    /** The schema's spelling. */
    public String qapiName() {
        return qapiName;
    }
}
