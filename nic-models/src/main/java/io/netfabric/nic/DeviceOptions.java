package io.netfabric.nic;

import io.netfabric.core.ErrorClass;
import io.netfabric.core.FabricException;
import io.netfabric.core.options.NetdevRules;
import io.netfabric.wire.MacAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code -device} argument for a NIC, QEMU's syntax: {@code MODEL[,id=ID][,netdev=ID][,mac=MAC]
 * [,failover=on|off][,guest=unix:PATH]} with MODEL {@code virtio-net}, {@code virtio-net-pci},
 * {@code e1000} or {@code rtl8139}. {@code guest=} is our extension: the NIC's guest side is a
 * unix stream socket server at PATH speaking QEMU's {@code -netdev stream} framing.
 *
 * <p>Properties are checked in the order given, as qdev sets them, with QEMU 7.2's messages
 * (behaviour notes §1.8, §1.9): {@code Property 'e1000.mac' doesn't take value 'X'},
 * {@code Property 'e1000.foo' not found}, {@code 'foo' is not a valid device model name}. The
 * netdev's existence is checked by the caller's {@code netdevCheck} at the property's place.
 * {@code addr}, {@code bus}, {@code romfile} and {@code bootindex} are accepted and ignored:
 * they place a PCI device, which a NIC frontend here does not have.
 *
 * @param failover  virtio-net's {@code failover=on}
 * @param guestPath the unix socket of {@code guest=unix:PATH}, or null for none
 */
public record DeviceOptions(NicModel model, String id, String netdev, MacAddress mac, boolean failover,
        Path guestPath) {

    private static final Set<String> IGNORED = Set.of("addr", "bus", "romfile", "bootindex");

    /** The {@link NicConfig} these options describe. */
    public NicConfig config() {
        return new NicConfig(model, id, mac, netdev, failover);
    }

    /** Parses without checking netdevs (the attach checks them). */
    public static DeviceOptions parse(String optarg) {
        return parse(optarg, (m, id) -> { });
    }

    /** Checks a {@code netdev=} value for a model where qdev would set it; throws to refuse. */
    @FunctionalInterface
    public interface NetdevCheck {
        void check(NicModel model, String netdev);
    }

    public static DeviceOptions parse(String optarg, NetdevCheck netdevCheck) {
        List<String[]> props = split(optarg);
        String driver = null;
        String id = null;
        boolean idSeen = false;
        for (String[] p : props) {
            if (p[0] == null) {
                driver = driver == null ? p[1] : driver;
            } else if (p[0].equals("driver") && driver == null) {
                driver = p[1];
            } else if (p[0].equals("id") && !idSeen) {
                // QemuOpts opts_parse_id: the first id= wins.
                idSeen = true;
                id = p[1];
            }
        }
        if (id != null && !NetdevRules.isWellFormedId(id)) {
            throw new FabricException(ErrorClass.GenericError,
                    "Parameter 'id' expects an identifier", NetdevRules.ID_HINT, null);
        }
        if (driver == null) {
            throw FabricException.generic("Parameter 'driver' is missing");
        }
        NicModel model = NicModel.ofDriver(driver);
        if (model == null) {
            throw FabricException.generic("'" + driver + "' is not a valid device model name");
        }
        String owner = model.propertyOwner();
        String netdev = null;
        MacAddress mac = null;
        boolean failover = false;
        Path guest = null;
        boolean first = true;
        for (String[] p : props) {
            boolean implied = first && p[0] == null;
            first = false;
            if (implied || "driver".equals(p[0]) || "id".equals(p[0])) {
                continue;
            }
            String key = p[0] == null ? p[1] : p[0];
            String value = p[0] == null ? "on" : p[1];
            switch (key) {
                case "netdev" -> {
                    netdevCheck.check(model, value);
                    netdev = value;
                }
                case "mac" -> mac = parseMac(owner, value);
                case "failover" -> {
                    if (model != NicModel.VIRTIO_NET) {
                        throw notFound(owner, key);
                    }
                    failover = parseBool(key, value);
                }
                case "guest" -> {
                    if (!value.startsWith("unix:") || value.length() == 5) {
                        throw FabricException.generic("Property '" + owner + ".guest' doesn't take value '"
                                + value + "' (netfabric: guest=unix:PATH)");
                    }
                    guest = Path.of(value.substring(5));
                }
                default -> {
                    if (!IGNORED.contains(key)) {
                        throw notFound(owner, key);
                    }
                }
            }
        }
        return new DeviceOptions(model, id, netdev, mac, failover, guest);
    }

    private static FabricException notFound(String owner, String key) {
        return FabricException.generic("Property '" + owner + "." + key + "' not found");
    }

    /**
     * qdev's {@code mac} property (hw/core/qdev-properties-system.c {@code set_mac}): six pairs
     * of hex digits separated by {@code :} or {@code -}; multicast MACs are not refused here.
     */
    private static MacAddress parseMac(String owner, String value) {
        try {
            return MacAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw FabricException.generic("Property '" + owner + ".mac' doesn't take value '" + value + "'");
        }
    }

    private static boolean parseBool(String key, String value) {
        return switch (value) {
            case "on", "yes", "true", "y" -> true;
            case "off", "no", "false", "n" -> false;
            default -> throw FabricException.generic("Parameter '" + key + "' expects 'on' or 'off'");
        };
    }

    /**
     * QemuOpts' split: elements at commas ({@code ,,} is a comma inside a value), each
     * {@code name=value}; an element without {@code =} is {@code [null, text]}.
     */
    private static List<String[]> split(String s) {
        List<String[]> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        List<String> elems = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',') {
                if (i + 1 < s.length() && s.charAt(i + 1) == ',') {
                    cur.append(',');
                    i++;
                } else {
                    elems.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        elems.add(cur.toString());
        for (String e : elems) {
            int eq = e.indexOf('=');
            out.add(eq < 0 ? new String[] {null, e} : new String[] {e.substring(0, eq), e.substring(eq + 1)});
        }
        return out;
    }

    /** For a diagnostic: what the options name. */
    @Override
    public String toString() {
        return model.typeName() + (id != null ? ",id=" + id : "") + (netdev != null ? ",netdev=" + netdev : "")
                + (mac != null ? ",mac=" + mac : "") + (guestPath != null ? ",guest=unix:" + guestPath : "");
    }
}
