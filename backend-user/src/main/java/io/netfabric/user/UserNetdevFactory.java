package io.netfabric.user;

import io.netfabric.core.Fabric;
import io.netfabric.core.FabricException;
import io.netfabric.core.NetClient;
import io.netfabric.core.options.Netdev;
import io.netfabric.core.options.UserOptions;
import io.netfabric.core.spi.NetdevFactory;
import java.nio.file.Path;
import java.util.Set;

/** {@code -netdev user,...} and {@code netdev_add type=user} (QEMU net/slirp.c {@code net_init_slirp}). */
public final class UserNetdevFactory implements NetdevFactory {
    /**
     * Where the DNS forwarder's upstreams come from without {@code dns-upstream=}, and what it
     * follows: {@code /etc/resolv.conf}, or the file {@code -Dnetfabric.resolv.conf} names (say
     * {@code /run/systemd/resolve/resolv.conf} for the resolvers behind systemd-resolved's stub).
     */
    static Path resolvConf() {
        return Path.of(System.getProperty("netfabric.resolv.conf", "/etc/resolv.conf"));
    }

    @Override
    public Set<String> types() {
        return Set.of(UserOptions.TYPE);
    }

    @Override
    public NetClient create(Fabric fabric, Netdev netdev) {
        UserConfig config = UserConfig.from((UserOptions) netdev.options(), resolvConf(), fabric::warn);
        SambaServer samba = config.smb() == null ? null : SambaServer.prepare(config.smb(), SambaServer.SMBD);
        if (samba != null && !config.smbServerUsable()) {
            // slirp_smb(): after the share's checks and its temporary directory, which goes again.
            samba.close();
            throw FabricException.generic("Conflicting/invalid smbserver address");
        }
        String name = netdev.id() != null ? netdev.id() : "user";
        return new UserNetdev(name, fabric, config, samba);
    }
}
