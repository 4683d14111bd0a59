package io.netfabric.core;

/** QMP error classes, named as QEMU names them on the wire (qapi/error.json). */
public enum ErrorClass {
    GenericError,
    CommandNotFound,
    DeviceNotFound,
    DeviceNotActive,
    KVMMissingCap
}
