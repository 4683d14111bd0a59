package io.netfabric.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfabric.core.FabricException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** QEMU's descriptor rules for getfd/closefd/fd=NAME, on real descriptors (pipes). */
class ConnectionFdsTest {
    private final MonitorFdTable table = new MonitorFdTable();
    private final ConnectionFds connection = new ConnectionFds(table);

    @BeforeAll
    static void loadNettyNative() {
        Epoll.ensureAvailability();   // FileDescriptor's natives come with the epoll transport
    }

    private static int[] pipe() throws IOException {
        FileDescriptor[] p = FileDescriptor.pipe();
        return new int[] {p[0].intValue(), p[1].intValue()};
    }

    /** True when {@code fd} was open (it is closed now). */
    private static boolean wasOpen(int fd) {
        try {
            new FileDescriptor(fd).close();
            return true;
        } catch (IOException e) {
            return false;   // EBADF
        }
    }

    @Test
    void getfdNamesTheFirstOfTheLastBatchAndClosesTheRest() throws Exception {
        int[] older = pipe();
        int[] newer = pipe();
        connection.offer(older);
        connection.offer(newer);   // an unclaimed batch is closed by the next (char-socket.c)
        connection.claimAs("x");
        assertThat(wasOpen(older[0])).isFalse();
        assertThat(wasOpen(older[1])).isFalse();
        assertThat(wasOpen(newer[1])).isFalse();
        int fd = table.take("x");
        assertThat(fd).isEqualTo(newer[0]);
        assertThatThrownBy(() -> table.take("x")).isInstanceOf(FabricException.class)
                .hasMessage("File descriptor named 'x' has not been found");
        assertThat(wasOpen(fd)).isTrue();
    }

    @Test
    void refusalsCloseOrKeepAsQemuDoes() throws Exception {
        assertThatThrownBy(() -> connection.claimAs("x")).hasMessage("No file descriptor supplied via SCM_RIGHTS");
        int[] p = pipe();
        connection.offer(p);
        assertThatThrownBy(() -> connection.claimAs("9x"))
                .hasMessage("Parameter 'fdname' expects a name not starting with a digit");
        assertThat(wasOpen(p[0])).isFalse();   // consumed and closed by the refusal
        assertThatThrownBy(() -> table.close("nope")).hasMessage("File descriptor named 'nope' not found");
        wasOpen(p[1]);   // closes the test's own end
    }

    @Test
    void aNameGivenTwiceClosesTheFirstAndTheConnectionsEndClosesWhatNobodyClaimed() throws Exception {
        int[] a = pipe();
        int[] b = pipe();
        connection.offer(new int[] {a[0]});
        connection.claimAs("n");
        connection.offer(new int[] {b[0]});
        connection.claimAs("n");
        assertThat(wasOpen(a[0])).isFalse();
        connection.offer(new int[] {a[1]});
        connection.closeReceived();
        assertThat(wasOpen(a[1])).isFalse();
        table.close("n");
        assertThat(wasOpen(b[0])).isFalse();
        wasOpen(b[1]);   // closes the test's own end
    }
}
