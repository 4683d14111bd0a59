package io.netfabric.core.options;

import java.util.List;

/**
 * An Ethernet over L2TPv3 tunnel. QAPI {@code NetdevL2TPv3Options}, the {@code l2tpv3} branch of {@code Netdev}.
 * Components are the schema's members in schema order; absent optional members are null.
 */
public record L2tpv3Options(
        String src,
        String dst,
        String srcport,
        String dstport,
        Boolean ipv6,
        Boolean udp,
        Boolean cookie64,
        Boolean counter,
        Boolean pincounter,
        Long txcookie,
        Long rxcookie,
        Long txsession,
        Long rxsession,
        Long offset) implements NetdevOptions {

    public static final String TYPE = "l2tpv3";

    /** The schema's members, in the order of the components above. */
    public static final List<QapiMember> MEMBERS = List.of(
            QapiMember.required("src", QapiType.STR),
            QapiMember.required("dst", QapiType.STR),
            QapiMember.optional("srcport", QapiType.STR),
            QapiMember.optional("dstport", QapiType.STR),
            QapiMember.optional("ipv6", QapiType.BOOL),
            QapiMember.optional("udp", QapiType.BOOL),
            QapiMember.optional("cookie64", QapiType.BOOL),
            QapiMember.optional("counter", QapiType.BOOL),
            QapiMember.optional("pincounter", QapiType.BOOL),
            QapiMember.optional("txcookie", QapiType.UINT64),
            QapiMember.optional("rxcookie", QapiType.UINT64),
            QapiMember.required("txsession", QapiType.UINT32),
            QapiMember.optional("rxsession", QapiType.UINT32),
            QapiMember.optional("offset", QapiType.UINT32));

    @Override
    public String type() {
        return TYPE;
    }
}
