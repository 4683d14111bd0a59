package io.netfabric.user.forward;

/**
 * QEMU's {@code get_str_sep()} walk over a rule: each call takes the text up to the next
 * separator (truncated to 255 characters as QEMU's 256-byte buffer does) and moves past it.
 */
final class Fields {
    private String rest;

    Fields(String text) {
        this.rest = buffered(text);
    }

    /**
     * What reaches the parser, and QEMU's messages: a rule passes through a 1024-byte buffer
     * first (net/slirp.c's slirp_config_str for -netdev and netdev_add, HMP's argument buffer
     * for hostfwd_add and hostfwd_remove), so its first 1023 characters.
     */
    static String buffered(String text) {
        return text.length() > 1023 ? text.substring(0, 1023) : text;
    }

    /** The field up to {@code sep}, or null when there is no {@code sep} (nothing consumed). */
    String next(char sep) {
        int i = rest.indexOf(sep);
        if (i < 0) {
            return null;
        }
        String f = rest.substring(0, i);
        rest = rest.substring(i + 1);
        return f.length() > 255 ? f.substring(0, 255) : f;
    }

    /** What is left, untruncated: QEMU's last field (a port) is read from it in place. */
    String rest() {
        return rest;
    }

    /** Moves past the first {@code n} characters of {@link #rest()}. */
    void skip(int n) {
        rest = rest.substring(n);
    }
}
