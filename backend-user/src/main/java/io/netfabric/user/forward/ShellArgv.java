package io.netfabric.user.forward;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line cut into arguments as GLib's {@code g_shell_parse_argv} cuts it, which is how
 * libslirp 4.7's fork_exec reads a guestfwd {@code cmd:} (and QEMU's smbd line): words split at
 * blanks, single and double quotes and backslashes as in /bin/sh, a {@code #} starting a word
 * starts a comment; nothing is expanded ({@code $HOME}, globs and {@code ~} stay as written) and
 * no shell runs, so {@code ;}, {@code |} and {@code >} are plain characters. Checked against QEMU
 * 7.2: {@code cmd:echo 'a  b' $HOME} prints {@code a  b $HOME}.
 */
public final class ShellArgv {
    private ShellArgv() {
    }

    /** The arguments; throws IllegalArgumentException with GLib's message when it cannot. */
    public static List<String> parse(String line) {
        List<String> args = new ArrayList<>();
        StringBuilder word = null;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("Text ended before matching quote was found for '.");
                }
                word = word == null ? new StringBuilder() : word;
                word.append(line, i + 1, end);
                i = end;
            } else if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                int j = i + 1;
                for (; j < n && line.charAt(j) != '"'; j++) {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n && "$`\"\\\n".indexOf(line.charAt(j + 1)) >= 0) {
                        j++;
                        if (line.charAt(j) != '\n') {
                            word.append(line.charAt(j));
                        }
                    } else {
                        word.append(d);
                    }
                }
                if (j >= n) {
                    throw new IllegalArgumentException("Text ended before matching quote was found for \".");
                }
                i = j;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("Text ended just after a '\\' character.");
                }
                i++;
                if (line.charAt(i) != '\n') {
                    word = word == null ? new StringBuilder() : word;
                    word.append(line.charAt(i));
                }
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (word != null) {
                    args.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                int nl = line.indexOf('\n', i);
                i = nl < 0 ? n : nl;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            args.add(word.toString());
        }
        if (args.isEmpty()) {
            throw new IllegalArgumentException("Text was empty (or contained only whitespace)");
        }
        return args;
    }
}
