package io.netfabric.core.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values of the C number syntaxes. The fixtures prove which strings QEMU accepts; these pin the
 * values, read from util/cutils.c's arithmetic (64.64 fixed point, 0.5 rounded up) where QEMU
 * shows no value, and from `info network` (hubid) where it does.
 */
class QemuNumbersTest {

    @Test
    void int64IsStrtollBaseZero() {
        assertThat(QemuNumbers.parseInt64("010")).isEqualTo(8L);
        assertThat(QemuNumbers.parseInt64("-0x10")).isEqualTo(-16L);
        assertThat(QemuNumbers.parseInt64(" +5")).isEqualTo(5L);
        assertThat(QemuNumbers.parseInt64("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(QemuNumbers.parseInt64("9223372036854775808")).isNull();
        assertThat(QemuNumbers.parseInt64("08")).isNull();
        assertThat(QemuNumbers.parseInt64("0x")).isNull();
        assertThat(QemuNumbers.parseInt64("5 ")).isNull();
    }

    @Test
    void uint64RefusesMinus() {
        assertThat(QemuNumbers.parseUint64("18446744073709551615")).isEqualTo(-1L);
        assertThat(QemuNumbers.parseUint64(" -1")).isNull();
        assertThat(QemuNumbers.parseUint64("0X1f")).isEqualTo(31L);
    }

    @Test
    void keyvalUint64WrapsMinusAsStrtoull() {
        assertThat(QemuNumbers.parseStrtou64("-1", 0)).isEqualTo(-1L);
        assertThat(QemuNumbers.parseStrtou64(" -2", 0)).isEqualTo(-2L);
        assertThat(QemuNumbers.parseStrtou64("-0", 0)).isEqualTo(0L);
        assertThat(QemuNumbers.parseStrtou64("+0xb7a0", 0)).isEqualTo(47008L);
        assertThat(QemuNumbers.parseStrtou64("-18446744073709551616", 0)).isNull();   // ERANGE
        assertThat(QemuNumbers.parseStrtou64("-", 0)).isNull();
    }

    @Test
    void sizes() {
        List<String> warnings = new ArrayList<>();
        assertThat(QemuNumbers.parseSize("1k", warnings::add)).isEqualTo(1024L);
        assertThat(QemuNumbers.parseSize("1b", warnings::add)).isEqualTo(1L);
        assertThat(QemuNumbers.parseSize("1.5K", warnings::add)).isEqualTo(1536L);
        assertThat(QemuNumbers.parseSize("1.k", warnings::add)).isEqualTo(1024L);
        assertThat(QemuNumbers.parseSize("1.0", warnings::add)).isEqualTo(1L);
        assertThat(QemuNumbers.parseSize("010", warnings::add)).isEqualTo(10L);
        assertThat(QemuNumbers.parseSize("0.5", warnings::add)).isNull();
        assertThat(QemuNumbers.parseSize("16E", warnings::add)).isNull();
        assertThat(QemuNumbers.parseSize("15E", warnings::add)).isEqualTo(15L << 60);
        assertThat(QemuNumbers.parseSize("0.0005k", warnings::add)).isEqualTo(1L);   // 0.512 rounds up
        assertThat(warnings).isEmpty();
        assertThat(QemuNumbers.parseSize("0x10k", warnings::add)).isEqualTo(16384L);
        assertThat(warnings).containsExactly("Using a multiplier suffix on hex numbers is deprecated: 0x10k");
    }

    @Test
    void idTakesTheFirstAndTokenisesWithoutTheImpliedName() {
        QemuOptsSyntax s = QemuOptsSyntax.parse("user,,id=x,id=y", "type");
        assertThat(s.id()).isEqualTo("x");
        assertThat(s.opts()).containsExactly(new QemuOptsSyntax.Opt("type", "user,id=x"));
    }
}
