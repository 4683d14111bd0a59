package io.netfabric.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netfabric.core.ErrorClass;
import io.netfabric.core.FabricException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command registry and QEMU's request checks (qapi/qmp-dispatch.c {@code qmp_dispatch}),
 * usable without a socket: an embedding emulator calls {@link #dispatch(JsonNode)} with a parsed
 * request and gets the reply object. Capability negotiation is a per-connection matter and lives
 * in {@link QmpSession}; this class is always in command mode.
 *
 * <p>Thread safety: register before the first dispatch; dispatch from any thread.
 */
public final class QmpDispatcher {
    private final Map<String, QmpCommand> commands = new LinkedHashMap<>();

    /** Adds (or replaces) the command {@code name}. */
    public synchronized QmpDispatcher register(String name, QmpCommand handler) {
        commands.put(name, handler);
        return this;
    }

    /**
     * Command names for {@code query-commands}, newest first: QEMU prepends to its list, so its
     * answer runs backwards through registration order.
     */
    public synchronized List<String> commandNames() {
        List<String> names = new ArrayList<>(commands.keySet());
        java.util.Collections.reverse(names);
        return names;
    }

    /** Dispatches one request; actions a command deferred until after its reply run before this returns. */
    public ObjectNode dispatch(JsonNode request) {
        List<Runnable> after = new ArrayList<>();
        ObjectNode reply = dispatch(request, after, ConnectionFds.detached());
        after.forEach(Runnable::run);
        return reply;
    }

    /**
     * Dispatches one request; the caller runs {@code afterReply} once the reply is on its way
     * (the server: after the write). {@code fds} are the descriptors of the connection it came through.
     */
    public ObjectNode dispatch(JsonNode request, List<Runnable> afterReply, ConnectionFds fds) {
        JsonNode id = request.isObject() ? request.get("id") : null;
        ObjectNode reply;
        try {
            reply = run(request, afterReply, fds);
        } catch (FabricException e) {
            if (e.reportedBefore() != null) {
                // QEMU's error_report while a QMP command runs: stderr, without the program name.
                System.err.println(e.reportedBefore());
            }
            reply = QmpError.reply(e);
        } catch (RuntimeException e) {
            // A bug in a handler must not take the connection down; QEMU has no equivalent.
            reply = QmpError.reply(ErrorClass.GenericError, String.valueOf(e.getMessage()));
        }
        if (id != null) {
            reply.set("id", id);
        }
        return reply;
    }

    private ObjectNode run(JsonNode request, List<Runnable> afterReply, ConnectionFds fds) {
        if (!request.isObject()) {
            throw FabricException.generic("QMP input must be a JSON object");
        }
        String execute = checkRequest((ObjectNode) request);
        QmpCommand cmd;
        synchronized (this) {
            cmd = commands.get(execute);
        }
        if (cmd == null) {
            throw new FabricException(ErrorClass.CommandNotFound,
                    "The command " + execute + " has not been found");
        }
        JsonNode args = request.get("arguments");
        ObjectNode argObject = args == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) args;
        JsonNode ret = cmd.execute(new QmpArguments(argObject, afterReply, fds));
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.set("return", ret == null ? JsonNodeFactory.instance.objectNode() : ret);
        return reply;
    }

    /**
     * qmp-dispatch.c {@code qmp_dispatch_check_obj}: members are checked in QDict order, so with
     * two faults QEMU reports the one whose key hashes first; we do the same. Returns the
     * command name.
     */
    private static String checkRequest(ObjectNode request) {
        String execute = null;
        for (String key : QJsonWriter.qdictOrder(request)) {
            JsonNode v = request.get(key);
            switch (key) {
                case "execute" -> {
                    if (!v.isTextual()) {
                        throw FabricException.generic("QMP input member 'execute' must be a string");
                    }
                    execute = v.textValue();
                }
                case "arguments" -> {
                    if (!v.isObject()) {
                        throw FabricException.generic("QMP input member 'arguments' must be an object");
                    }
                }
                case "id" -> {
                }
                default -> throw FabricException.generic("QMP input member '" + key + "' is unexpected");
            }
        }
        if (execute == null) {
            throw FabricException.generic("QMP input lacks member 'execute'");
        }
        return execute;
    }
}
