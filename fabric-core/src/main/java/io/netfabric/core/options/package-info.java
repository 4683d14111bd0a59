/**
 * Netdev options: one typed model, two front doors, QEMU 7.2's messages.
 *
 * <h2>Theory of operation</h2>
 * <pre>
 *  -netdev user,id=n0,...  --QemuOptsSyntax--> OptsSource (opts-visitor rules)   --\
 *                                                                                   +--> member table of the
 *  netdev_add {"type":..}  --------------------> QObjectSource (qobject-input rules)--/    branch (NetdevBranch)
 *                                                                                        -> record (NetdevOptions)
 *  NetdevRules: id syntax, type known, type available -- called by both doors where QEMU calls them
 *  Netdev.toQapi(): record -> QAPI map (query-netdev)
 * </pre>
 * A branch is a record whose components are the schema's members in schema order, plus a
 * {@code MEMBERS} table (wire name, {@link io.netfabric.core.options.QapiType}, required); a
 * struct-valued member ({@code SocketAddress} of {@code stream}/{@code dgram}) is read by its own
 * table from dotted keys ({@code addr.host}) or a nested QMP object. Both
 * decoders walk that table in order, as QEMU's generated visitors do, so the first error
 * reported for a doubly wrong input is QEMU's. Errors are
 * {@link io.netfabric.core.FabricException}s carrying QEMU's class, message and, on the command
 * line only, its hint. Nothing here knows which backends exist: the caller passes the set of
 * available types.
 *
 * <p>The ground truth is the real binary: src/test/qemu/record-qemu-errors.py records its
 * answers into src/test/resources/qemu-7.2/netdev-errors.json, which the tests replay.
 */
package io.netfabric.core.options;
