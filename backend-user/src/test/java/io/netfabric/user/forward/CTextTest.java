package io.netfabric.user.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The C parsers against what glibc 2.36 answered for the same text (inet_aton and strtol called
 * through ctypes; \u001c is not a C blank, \u000b is).
 */
class CTextTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "FAIL", value = {
        "127.0.0.1|7f000001",
        "0x7f.1|7f000001",
        "127.0.65535|7f00ffff",
        "4294967295|ffffffff",
        "4294967296|FAIL",
        "08|FAIL",
        "0x|FAIL",
        "0x.0.0.1|FAIL",
        "127.0x.0.1|FAIL",
        "127.0.0.0x|FAIL",
        "00x1|FAIL",
        "'1.2.3.4 junk'|01020304",
        "1.2.3.4\u000bjunk|01020304",
        "1.2.3.4\u001cjunk|FAIL",
        "1.2.3.\u0664|FAIL",
    })
    void inetAtonIsGlibcs(String text, String hex) {
        Integer a = CText.inetAton(text);
        assertThat(a == null ? null : String.format("%08x", a)).isEqualTo(hex);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|''|0|0",
        "0|' 22'|22|3",
        "0|'22 '|22|2",
        "0|+-1|0|0",
        "0|0x|0|1",
        "0|0x1g|1|3",
        "0|08|0|1",
        "0|026|22|3",
        "10|026|26|3",
        "16|0x16|22|4",
        "0|4294967318|4294967318|10",
        "0|99999999999999999999|9223372036854775807|20",
        "0|-99999999999999999999|-9223372036854775808|21",
        "0|-9223372036854775808|-9223372036854775808|20",
        "0|'\u001c1'|0|0",
        "0|'\u000b1'|1|2",
        "10|\u0661|0|0",
    })
    void strtolIsGlibcs(int base, String text, long value, int end) {
        assertThat(CText.strtol(text, base)).isEqualTo(new CText.Strtol(value, end));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "EINVAL", value = {
        "''|EINVAL",
        "' 7'|7",
        "'7 '|EINVAL",
        "2147483647|2147483647",
        "2147483648|EINVAL",
        "-2147483648|-2147483648",
        "0x10|EINVAL",
    })
    void qemuStrtoiTakesTheWholeTextAndAnInt(String text, Integer value) {
        assertThat(CText.strtoiWhole(text, 10)).isEqualTo(value);
    }
}
