package io.netfabric.user.forward;

/**
 * QEMU's {@code get_str_sep()} walk over a rule: each call takes the text up to the next
 * separator (truncated to 255 characters as QEMU's 256-byte buffer does) and moves past it.
 */
final class Fields {
    private String rest;

    Fields(String text) {
        // slirp_hostfwd/slirp_guestfwd copy the rule into a 1024-byte buffer first.
        this.rest = text.length() > 1023 ? text.substring(0, 1023) : text;
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
