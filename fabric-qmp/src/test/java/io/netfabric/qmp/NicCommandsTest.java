package io.netfabric.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netfabric.core.Fabric;
import io.netfabric.core.NetClient;
import io.netfabric.core.RxFilterInfo;
import io.netfabric.core.RxState;
import io.netfabric.wire.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code query-rx-filter} and {@code announce-self} through the dispatcher, with a stand-in NIC
 * (the real ones live in nic-models, which this module does not see). The argument errors are in
 * the recorded fixture ({@code nic-commands} session of {@link QmpFixtureTest}).
 */
class NicCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A NIC that answers query-rx-filter with QEMU's schema example and counts queries. */
    static final class StandInNic extends NetClient {
        int queries;
        int announces;

        StandInNic(String name) {
            super(name, "nic");
        }

        @Override
        protected int receive(ByteBuf frame) {
            int n = frame.readableBytes();
            frame.release();
            return n;
        }

        @Override
        public boolean isNic() {
            return true;
        }

        @Override
        protected RxFilterInfo queryRxFilter() {
            queries++;
            return new RxFilterInfo(name(), true, RxState.NORMAL, RxState.NORMAL, RxState.NORMAL, false, false,
                    false, "52:54:00:12:34:56", List.of(4, 0), List.of(),
                    List.of("01:00:5e:00:00:01", "33:33:00:00:00:01", "33:33:ff:12:34:56"));
        }

        @Override
        public MacAddress announceMac() {
            return MacAddress.parse("52:54:00:12:34:56");
        }

        @Override
        protected void announce() {
            announces++;
        }
    }

    /** The NIC's backend: keeps what the NIC sends. */
    static final class Recorder extends NetClient {
        final List<byte[]> frames = new ArrayList<>();

        Recorder(String name) {
            super(name, "test");
        }

        @Override
        protected int receive(ByteBuf frame) {
            frames.add(ByteBufUtil.getBytes(frame));
            int n = frame.readableBytes();
            frame.release();
            return n;
        }
    }

    private Fabric fabric;
    private QmpDispatcher dispatcher;
    private StandInNic nic;
    private Recorder backend;

    @BeforeEach
    void setUp() {
        fabric = Fabric.create();
        dispatcher = FabricCommands.dispatcher(fabric, () -> { });
        nic = new StandInNic("vnet0");
        backend = new Recorder("n0");
        NetClient.connect(nic, backend);
        fabric.addClient(backend);
        fabric.addClient(nic);
    }

    @AfterEach
    void tearDown() {
        fabric.close();
    }

    private String execute(String request) throws Exception {
        return QJsonWriter.write(dispatcher.dispatch(JSON.readTree(request)));
    }

    @Test
    void queryRxFilterInQemusMemberOrder() throws Exception {
        // Member order as qemu-system-x86_64 7.2 prints a virtio-net's answer (QDict order).
        assertThat(execute("{\"execute\":\"query-rx-filter\",\"arguments\":{\"name\":\"vnet0\"}}")).isEqualTo(
                "{\"return\": [{\"promiscuous\": true, \"name\": \"vnet0\", \"main-mac\": \"52:54:00:12:34:56\", "
                + "\"unicast\": \"normal\", \"vlan\": \"normal\", \"vlan-table\": [4, 0], \"unicast-table\": [], "
                + "\"multicast\": \"normal\", \"multicast-overflow\": false, \"unicast-overflow\": false, "
                + "\"multicast-table\": [\"01:00:5e:00:00:01\", \"33:33:00:00:00:01\", \"33:33:ff:12:34:56\"], "
                + "\"broadcast-allowed\": false}]}");
        assertThat(execute("{\"execute\":\"query-rx-filter\"}")).startsWith("{\"return\": [{\"promiscuous\": true, \"name\": \"vnet0\"");
        assertThat(execute("{\"execute\":\"query-rx-filter\",\"arguments\":{\"name\":\"n0\"}}"))
                .isEqualTo("{\"error\": {\"class\": \"GenericError\", \"desc\": \"net client(n0) isn't a NIC\"}}");
        assertThat(fabric.call(() -> nic.queries)).isEqualTo(2);
    }

    @Test
    void announceSelfSendsTheFirstRoundBeforeTheReply() throws Exception {
        assertThat(execute("{\"execute\":\"announce-self\",\"arguments\":{\"initial\":20,\"max\":20,\"rounds\":3,"
                + "\"step\":0,\"interfaces\":[\"vnet0\"],\"id\":\"x\"}}")).isEqualTo("{\"return\": {}}");
        assertThat(fabric.call(() -> backend.frames.size())).isEqualTo(1);
        byte[] rarp = fabric.call(() -> backend.frames.get(0));
        assertThat(rarp).hasSize(60);
        assertThat(ByteBufUtil.hexDump(rarp, 0, 22)).isEqualTo("ffffffffffff5254001234568035000108000604" + "0003");
        long deadline = System.currentTimeMillis() + 5000;
        while (fabric.call(() -> backend.frames.size()) < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fabric.call(() -> backend.frames.size())).isEqualTo(3);
        assertThat(fabric.call(() -> nic.announces)).isEqualTo(3);
        // Another interface list selects nothing.
        execute("{\"execute\":\"announce-self\",\"arguments\":{\"initial\":1,\"max\":1,\"rounds\":1,\"step\":0,"
                + "\"interfaces\":[\"other\"]}}");
        assertThat(fabric.call(() -> backend.frames.size())).isEqualTo(3);
    }

    @Test
    void listedByQueryCommands() throws Exception {
        assertThat(execute("{\"execute\":\"query-commands\"}"))
                .contains("{\"name\": \"announce-self\"}", "{\"name\": \"query-rx-filter\"}");
    }
}
