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
        String[] ls = n.split("\\.");
        for (int i = 0; i < ls.length; i++) {
            if (ls[i].length() > 63) {
                ls[i] = ls[i].substring(0, 63);
            }
        }
        return ls;
    }
}
