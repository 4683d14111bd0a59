package io.netfabric.tools;

import io.netfabric.core.Fabric;
import io.netfabric.core.options.NetdevOptionParser;
import io.netfabric.nic.NicModel;
import java.util.Arrays;

/**
 * QEMU's answers to {@code -netdev help} ({@code ?}, {@code type=help}): the backend types this
 * build runs, in QEMU 7.2's {@code show_netdevs()} order; and to {@code -nic model=help} or
 * {@code -net nic,model=help}: the NIC models, sorted as {@code qemu_show_nic_models()} prints
 * them. Both end the process with status 0, as in QEMU.
 */
final class HelpListings {
    private HelpListings() {
    }

    /** The listing the command line asks for, or null when it asks for none. */
    static String requested(CommandLine cl) {
        for (CommandLine.Option o : cl.options()) {
            if (o.value().startsWith("{")) {
                continue;   // JSON: no help form
            }
            switch (o.name()) {
                case "netdev" -> {
                    if (NetdevOptionParser.isHelp(NetdevOptionParser.commandLineOption(o.value(), "type"))) {
                        return Fabric.netdevTypesListing();
                    }
                }
                case "nic" -> {
                    if (NetdevOptionParser.isHelp(NetdevOptionParser.commandLineOption(o.value(), "model"))) {
                        return nicModels();
                    }
                }
                case "net" -> {
                    if ("nic".equals(NetdevOptionParser.commandLineOption(o.value(), "type"))
                            && NetdevOptionParser.isHelp(NetdevOptionParser.commandLineOption(o.value(), "model"))) {
                        return nicModels();
                    }
                }
                default -> { }
            }
        }
        return null;
    }

    private static String nicModels() {
        StringBuilder out = new StringBuilder("Supported NIC models:\n");
        Arrays.stream(NicModel.values()).map(NicModel::typeName).sorted().forEach(m -> out.append(m).append('\n'));
        return out.toString();
    }
}
