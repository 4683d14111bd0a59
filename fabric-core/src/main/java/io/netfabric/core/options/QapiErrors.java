package io.netfabric.core.options;

import io.netfabric.core.FabricException;

/**
 * QEMU's option error texts, each from the place QEMU builds it: the {@code QERR_*} formats of
 * include/qapi/qmp/qerror.h used by the visitors (qapi/qobject-input-visitor.c,
 * qapi/opts-visitor.c, qapi/qapi-visit-core.c). All are GenericError.
 */
final class QapiErrors {
    private QapiErrors() {
    }

    /** QERR_MISSING_PARAMETER. */
    static FabricException missing(String name) {
        return FabricException.generic("Parameter '" + name + "' is missing");
    }

    /** QERR_INVALID_PARAMETER_VALUE: {@code Parameter 'x' expects <what>}. */
    static FabricException expects(String name, String what) {
        return FabricException.generic("Parameter '" + name + "' expects " + what);
    }

    /** QERR_INVALID_PARAMETER_TYPE, the QMP visitor's wrong JSON type. */
    static FabricException wrongType(String name, String expected) {
        return FabricException.generic("Invalid parameter type for '" + name + "', expected: " + expected);
    }

    /** qobject_input_check_struct(): a JSON member nobody visited. */
    static FabricException unexpected(String name) {
        return FabricException.generic("Parameter '" + name + "' is unexpected");
    }

    /** QERR_INVALID_PARAMETER, opts_end_struct(): a key=value nobody visited. */
    static FabricException invalidParameter(String name) {
        return FabricException.generic("Invalid parameter '" + name + "'");
    }

    /** qapi_enum_parse() (qapi/qapi-util.c), also for the union discriminator {@code type}. */
    static FabricException enumValue(String name, String value) {
        return FabricException.generic("Parameter '" + name + "' does not accept value '" + value + "'");
    }
}
