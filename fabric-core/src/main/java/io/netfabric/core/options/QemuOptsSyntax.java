package io.netfabric.core.options;

import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's {@code key=value,...} command-line syntax as util/qemu-option.c splits it
 * ({@code opts_do_parse()}, {@code get_opt_name_value()}, {@code opts_parse_id()}):
 * <ul>
 * <li>an element without {@code =} in first place is the value of the implied key
 *     ({@code type} for -netdev/-net, {@code qom-type} for -object);</li>
 * <li>{@code ,,} in a value is a comma; a name ends at the first {@code =} or {@code ,};</li>
 * <li>elsewhere, {@code foo} means {@code foo=on} and {@code nofoo} {@code foo=off}, with a
 *     deprecation warning;</li>
 * <li>{@code id} is taken out of the list: the FIRST {@code id=} wins (opts_parse_id scans
 *     from the start), whereas for every other key the visitor takes the last one.</li>
 * </ul>
 */
record QemuOptsSyntax(String id, List<Opt> opts, List<String> warnings) {

    /** One {@code name=value} in input order. */
    record Opt(String name, String value) {
    }

    static QemuOptsSyntax parse(String params, String impliedName) {
        // opts_parse_id() tokenises without the implied name, so "user,,id=x" has the id "x"
        // although the visitor later sees type "user,id=x"; QEMU does exactly this.
        String id = null;
        for (Opt o : tokens(params, null, null)) {
            if (o.name.equals("id")) {
                id = o.value;
                break;
            }
        }
        List<String> warnings = new ArrayList<>();
        List<Opt> opts = new ArrayList<>();
        for (Opt o : tokens(params, impliedName, warnings)) {
            if (!o.name.equals("id")) {
                opts.add(o);
            }
        }
        return new QemuOptsSyntax(id, List.copyOf(opts), List.copyOf(warnings));
    }

    /** {@code get_opt_name_value()} over the whole string; warnings null = do not warn. */
    private static List<Opt> tokens(String params, String firstName, List<String> warnings) {
        List<Opt> out = new ArrayList<>();
        int p = 0;
        while (p < params.length()) {
            int len = nameLength(params, p);
            int[] end = new int[1];
            if (p + len < params.length() && params.charAt(p + len) == '=') {
                out.add(new Opt(params.substring(p, p + len), readValue(params, p + len + 1, end)));
            } else if (firstName != null) {
                out.add(new Opt(firstName, readValue(params, p, end)));
            } else {
                String name = params.substring(p, p + len);
                end[0] = p + len;
                String prefix = name.startsWith("no") ? "no" : "";
                name = name.substring(prefix.length());
                String value = prefix.isEmpty() ? "on" : "off";
                out.add(new Opt(name, value));
                // util/qemu-option.c get_opt_name_value(): a bare "help" or "?" is a help request,
                // not a deprecated flag (the option it becomes is refused later all the same).
                boolean help = prefix.isEmpty() && NetdevOptionParser.isHelp(name);
                if (warnings != null && !help) {
                    warnings.add("short-form boolean option '" + prefix + name + "' deprecated\n"
                            + (name.equals("delay") ? "Please use nodelay=" + (prefix.isEmpty() ? "off" : "on") + " instead"
                                                    : "Please use " + name + "=" + value + " instead"));
                }
            }
            firstName = null;
            p = end[0] < params.length() ? end[0] + 1 : end[0];   // skip the separating comma
        }
        return out;
    }

    /** {@code strcspn(params, "=,")}. */
    private static int nameLength(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != ',') {
            i++;
        }
        return i - from;
    }

    /** {@code get_opt_value()}: up to a single comma, {@code ,,} standing for one comma. */
    private static String readValue(String s, int from, int[] end) {
        StringBuilder v = new StringBuilder();
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ',') {
                if (i + 1 < s.length() && s.charAt(i + 1) == ',') {
                    v.append(',');
                    i += 2;
                    continue;
                }
                break;
            }
            v.append(c);
            i++;
        }
        end[0] = i;
        return v.toString();
    }
}
