package io.netfabric.user.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** GLib's g_shell_parse_argv, as libslirp 4.7 cuts a guestfwd {@code cmd:}. */
class ShellArgvTest {
    @Test
    void wordsQuotesAndEscapesAsTheShellCutsThem() {
        assertThat(ShellArgv.parse("tr a-z A-Z")).containsExactly("tr", "a-z", "A-Z");
        assertThat(ShellArgv.parse("  echo   'a  b'  \"c \\\" \\$ \\x\"  d\\ e ")).containsExactly("echo", "a  b", "c \" $ \\x", "d e");
        assertThat(ShellArgv.parse("x '' \"\"")).containsExactly("x", "", "");
        assertThat(ShellArgv.parse("a'b'\"c\"d")).containsExactly("abcd");
        assertThat(ShellArgv.parse("a\\\nb")).containsExactly("ab");
    }

    @Test
    void nothingIsExpandedAndNoOperatorIsSpecial() {
        assertThat(ShellArgv.parse("echo $HOME ~ * out; x >&2 | y")).containsExactly("echo", "$HOME", "~", "*", "out;", "x", ">&2",
                "|", "y");
    }

    @Test
    void aHashStartingAWordIsAComment() {
        assertThat(ShellArgv.parse("a #b c\nd a#b")).containsExactly("a", "d", "a#b");
    }

    @Test
    void glibsErrors() {
        assertThatThrownBy(() -> ShellArgv.parse("echo 'a")).hasMessage("Text ended before matching quote was found for '.");
        assertThatThrownBy(() -> ShellArgv.parse("echo \"a")).hasMessage("Text ended before matching quote was found for \".");
        assertThatThrownBy(() -> ShellArgv.parse("echo a\\")).hasMessage("Text ended just after a '\\' character.");
        assertThatThrownBy(() -> ShellArgv.parse(" \t ")).hasMessage("Text was empty (or contained only whitespace)");
    }
}
