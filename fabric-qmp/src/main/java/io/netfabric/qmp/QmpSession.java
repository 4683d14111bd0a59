package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.ErrorClass;
import io.netfabric.core.FabricEvent;
import io.netfabric.core.FabricException;
import java.util.List;

/**
 * One QMP connection's protocol state (monitor/qmp.c): the greeting, then capabilities
 * negotiation, then command mode through the shared {@link QmpDispatcher}. Confined to the
 * connection's thread.
 */
public final class QmpSession {
    private final QmpDispatcher commands;
    /** monitor/qmp.c {@code qmp_cap_negotiation_commands}: only qmp_capabilities. */
    private final QmpDispatcher negotiation = new QmpDispatcher();
    private volatile boolean negotiated;
    private final ConnectionFds fds;

    /** A session whose connection carries no descriptors. */
    public QmpSession(QmpDispatcher commands) {
        this(commands, ConnectionFds.detached());
    }

    QmpSession(QmpDispatcher commands, ConnectionFds fds) {
        this.commands = commands;
        this.fds = fds;
        negotiation.register("qmp_capabilities", this::negotiate);
    }

    /** True once {@code qmp_capabilities} succeeded: commands run and events are delivered. */
    public boolean negotiated() {
        return negotiated;
    }

    /** {@code {"QMP": {"version": ..., "capabilities": []}}}; we offer no capability (no oob). */
    public static ObjectNode greeting() {
        ObjectNode qmp = JsonNodeFactory.instance.objectNode();
        qmp.set("version", QmpVersion.json());
        qmp.putArray("capabilities");
        ObjectNode g = JsonNodeFactory.instance.objectNode();
        g.set("QMP", qmp);
        return g;
    }

    /** Answers one parsed request; {@code afterReply} gets actions to run once it is sent. */
    public ObjectNode handle(JsonNode request, List<Runnable> afterReply) {
        if (negotiated) {
            return commands.dispatch(request, afterReply, fds);
        }
        ObjectNode rsp = negotiation.dispatch(request, afterReply, fds);
        JsonNode error = rsp.get("error");
        // monitor/qmp.c monitor_qmp_dispatch: a more useful message before negotiation.
        if (error != null && ErrorClass.CommandNotFound.name().equals(error.path("class").asText())) {
            ((ObjectNode) error).put("desc", "Expecting capabilities negotiation with 'qmp_capabilities'");
        }
        return rsp;
    }

    /** A parse error's reply: no id, the parser could not find one (monitor/qmp.c). */
    public static ObjectNode parseError(String desc) {
        return QmpError.reply(ErrorClass.GenericError, desc);
    }

    /** {@code {"timestamp": {"seconds", "microseconds"}, "event", "data"}} (qapi/qmp-event.c). */
    public static ObjectNode event(FabricEvent e) {
        ObjectNode ts = JsonNodeFactory.instance.objectNode();
        ts.put("seconds", Math.floorDiv(e.epochMicros(), 1_000_000L));
        ts.put("microseconds", Math.floorMod(e.epochMicros(), 1_000_000L));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("timestamp", ts);
        o.put("event", e.event());
        if (e.data() != null) {
            o.set("data", QmpArguments.toJson(e.data()));
        }
        return o;
    }

    /**
     * monitor/qmp-cmds-control.c {@code qmp_qmp_capabilities}: {@code enable} lists capabilities
     * to turn on; only offered ones may be (we offer none, so {@code oob} is refused).
     */
    private JsonNode negotiate(QmpArguments args) {
        JsonNode enable = args.optionalArray("enable");
        args.end();
        if (enable != null) {
            for (JsonNode cap : enable) {
                if (!cap.isTextual()) {
                    throw QmpArguments.invalidType("null", "string");
                }
                if (!"oob".equals(cap.textValue())) {
                    // QEMU names the list element 'null' here (a qobject-input-visitor quirk).
                    throw FabricException.generic("Parameter 'null' does not accept value '"
                            + cap.textValue() + "'");
                }
                throw FabricException.generic("Capability 'oob' not available");
            }
        }
        negotiated = true;
        return null;
    }

    /** Registered in command mode so that a second negotiation is refused as QEMU refuses it. */
    static JsonNode alreadyNegotiated(QmpArguments args) {
        throw new FabricException(ErrorClass.CommandNotFound,
                "Capabilities negotiation is already complete, command ignored");
    }
}
