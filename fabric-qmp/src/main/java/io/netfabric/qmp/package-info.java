/**
 * QMP, QEMU's JSON management protocol, for a netfabric fabric.
 *
 * <h2>Theory of operation</h2>
 * <pre>
 *  socket bytes -> QmpFrameDecoder (json-streamer.c boundaries, 1 MiB cap)
 *               -> JsonMessageParser (Jackson streaming, json-parser.c rules and messages)
 *               -> QmpSession (monitor/qmp.c: greeting, negotiation)
 *               -> QmpDispatcher (qapi/qmp-dispatch.c: request checks, registry)
 *               -> QmpCommand handlers (FabricCommands) -> Fabric methods on its event loop
 *  reply / event -> QJsonWriter (qobject/qjson.c formatting) + CRLF
 * </pre>
 * Buffers stay inside the decoder and the final write; everything above works on Jackson trees.
 * Errors are {@link io.netfabric.core.FabricException}s turned into {@code {"error": ...}} by the
 * dispatcher; a connection survives every error.
 */
package io.netfabric.qmp;
