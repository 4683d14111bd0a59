package io.netfabric.qmp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.ErrorClass;
import io.netfabric.core.FabricException;

/** Builds QMP error replies, qapi/qmp-dispatch.c {@code qmp_error_response}. */
final class QmpError {
    private QmpError() {
    }

    static ObjectNode reply(ErrorClass errorClass, String desc) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("class", errorClass.name());
        error.put("desc", desc);
        ObjectNode rsp = JsonNodeFactory.instance.objectNode();
        rsp.set("error", error);
        return rsp;
    }

    static ObjectNode reply(FabricException e) {
        return reply(e.errorClass(), e.getMessage());
    }

    static FabricException generic(String desc) {
        return FabricException.generic(desc);
    }
}
