package io.netfabric.core.options;

import java.util.List;

/**
 * The user mode network stack. QAPI {@code NetdevUserOptions}, the {@code user} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null. The last
 * two, {@code mtu} and {@code dns-upstream}, are netfabric extensions that QEMU does not have.
 */
public record UserOptions(
        String hostname,
        Boolean restrict,
        Boolean ipv4,
        Boolean ipv6,
        String ip,
        String net,
        String host,
        String tftp,
        String bootfile,
        String dhcpstart,
        String dns,
        List<String> dnssearch,
        String domainname,
        String ipv6Prefix,
        Long ipv6Prefixlen,
        String ipv6Host,
        String ipv6Dns,
        String smb,
        String smbserver,
        List<String> hostfwd,
        List<String> guestfwd,
        String tftpServerName,
        Long mtu,
        List<String> dnsUpstream) implements NetdevOptions {

    public static final String TYPE = "user";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.optional("hostname", QapiType.STR),
            QapiMember.optional("restrict", QapiType.BOOL),
            QapiMember.optional("ipv4", QapiType.BOOL),
            QapiMember.optional("ipv6", QapiType.BOOL),
            QapiMember.optional("ip", QapiType.STR),
            QapiMember.optional("net", QapiType.STR),
            QapiMember.optional("host", QapiType.STR),
            QapiMember.optional("tftp", QapiType.STR),
            QapiMember.optional("bootfile", QapiType.STR),
            QapiMember.optional("dhcpstart", QapiType.STR),
            QapiMember.optional("dns", QapiType.STR),
            QapiMember.optional("dnssearch", QapiType.STR_LIST),
            QapiMember.optional("domainname", QapiType.STR),
            QapiMember.optional("ipv6-prefix", QapiType.STR),
            QapiMember.optional("ipv6-prefixlen", QapiType.INT),
            QapiMember.optional("ipv6-host", QapiType.STR),
            QapiMember.optional("ipv6-dns", QapiType.STR),
            QapiMember.optional("smb", QapiType.STR),
            QapiMember.optional("smbserver", QapiType.STR),
            QapiMember.optional("hostfwd", QapiType.STR_LIST),
            QapiMember.optional("guestfwd", QapiType.STR_LIST),
            QapiMember.optional("tftp-server-name", QapiType.STR),
            // netfabric extensions, not in QEMU's schema (schema/net-schema.qapi says so too)
            QapiMember.optional("mtu", QapiType.INT),
            QapiMember.optional("dns-upstream", QapiType.STR_LIST));

    public UserOptions {
        dnssearch = dnssearch == null ? null : List.copyOf(dnssearch);
        hostfwd = hostfwd == null ? null : List.copyOf(hostfwd);
        guestfwd = guestfwd == null ? null : List.copyOf(guestfwd);
        dnsUpstream = dnsUpstream == null ? null : List.copyOf(dnsUpstream);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
