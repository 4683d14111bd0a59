package io.netfabric.user.service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The domain search list in DNS wire format with RFC 1035 §4.1.4 compression, as DHCP option 119
 * (RFC 3397 §2) and the DHCPv6/RA lists (RFC 8415 §21.24 and RFC 8106 §5.2, uncompressed) carry it.
 */
public final class DomainSearch {
    private DomainSearch() {
    }

    /**
     * Whether libslirp's {@code domain_mklabels()} takes {@code name} into the list: not empty, no
     * empty label before a dot (a single trailing dot is the root and allowed), no label of 64
     * octets or more. libslirp warns about and leaves out a name that fails.
     */
    public static boolean parses(String name) {
        if (name.isEmpty()) {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= name.length(); i++) {
            boolean end = i == name.length();
            if (end || name.charAt(i) == '.') {
                int len = i - start;
                if ((len == 0 && !end) || len >= 64) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** Compressed: a suffix already written is replaced by a pointer to its offset. */
    public static byte[] encode(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Integer> written = new HashMap<>();
        for (String name : names) {
            String[] labels = labels(name);
            boolean pointed = false;
            for (int i = 0; i < labels.length; i++) {
                String suffix = String.join(".", java.util.Arrays.copyOfRange(labels, i, labels.length)).toLowerCase(Locale.ROOT);
                Integer at = written.get(suffix);
                if (at != null && at < 0x3FFF) {
                    out.write(0xC0 | (at >>> 8));
                    out.write(at & 0xFF);
                    pointed = true;
                    break;
                }
                written.put(suffix, out.size());
                byte[] l = labels[i].getBytes(StandardCharsets.US_ASCII);
                out.write(l.length);
                out.write(l, 0, l.length);
            }
            if (!pointed) {
                out.write(0);
            }
        }
        return out.toByteArray();
    }

    /** Uncompressed (DHCPv6 option 24, RA DNSSL). */
    public static byte[] encodeUncompressed(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            for (String label : labels(name)) {
                byte[] l = label.getBytes(StandardCharsets.US_ASCII);
                out.write(l.length);
                out.write(l, 0, l.length);
            }
            out.write(0);
        }
        return out.toByteArray();
    }

    private static String[] labels(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty()) {
            return new String[0];
        }
        return n.split("\\.");   // names passed parses(): no empty or over-long label
    }
}
