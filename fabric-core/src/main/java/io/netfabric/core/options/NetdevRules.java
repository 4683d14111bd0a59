package io.netfabric.core.options;

import io.netfabric.core.ErrorClass;
import io.netfabric.core.FabricException;
import java.util.Set;

/**
 * The option-level checks QEMU makes on a netdev whatever the front door, in one place. The
 * doors call them at the point QEMU does, which differs (see each method): the order of errors
 * for an input that is wrong twice is part of the behaviour. Backend checks ("exactly one of
 * listen=...") and fabric checks (duplicate ids) are not here.
 */
public final class NetdevRules {
    /** The hint QemuOpts appends to a malformed id on the command line (util/qemu-option.c). */
    public static final String ID_HINT = "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.";

    private NetdevRules() {
    }

    /** util/id.c {@code id_wellformed()}: an ASCII letter, then letters, digits, '-', '.', '_'. */
    public static boolean isWellFormedId(String id) {
        if (id.isEmpty() || !isAsciiLetter(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * Refuses a malformed id. On the command line QemuOpts checks it while splitting the string,
     * before anything else ({@code qemu_opts_create()}), with a hint; QMP {@code netdev_add}
     * checks it after decoding ({@code qmp_netdev_add()}), without one. JSON {@code -netdev}
     * does not check it at all in 7.2.
     */
    static void checkId(String id, boolean commandLine) {
        if (!isWellFormedId(id)) {
            throw new FabricException(ErrorClass.GenericError, "Parameter 'id' expects an identifier",
                    commandLine ? ID_HINT : null, null);
        }
    }

    /** The discriminator: a {@code NetClientDriver} value, else qapi_enum_parse()'s error. */
    static void checkKnownType(String type) {
        if (!NetdevBranch.isKnownType(type)) {
            throw QapiErrors.enumValue("type", type);
        }
    }

    /**
     * net/net.c {@code net_client_init1()} for {@code -netdev}/{@code netdev_add}, after the
     * members were decoded: {@code nic} is a frontend and {@code none} nothing, and a type whose
     * backend is not in {@code available} is "not compiled into this binary".
     */
    static void checkNetdevAvailable(String type, Set<String> available) {
        if (type.equals(NicOptions.TYPE) || type.equals(NetdevBranch.NONE) || !available.contains(type)) {
            throw notCompiled(type);
        }
    }

    /**
     * The same for legacy {@code -net}: {@code nic} is always there, {@code none} means nothing
     * to create (the caller gets no netdev) and {@code hubport} is refused.
     */
    static void checkLegacyAvailable(String type, Set<String> available) {
        if (type.equals(HubPortOptions.TYPE)) {
            throw FabricException.generic("network backend 'hubport' is only supported with -netdev/-nic");
        }
        if (!type.equals(NicOptions.TYPE) && !type.equals(NetdevBranch.NONE) && !available.contains(type)) {
            throw notCompiled(type);
        }
    }

    private static FabricException notCompiled(String type) {
        return FabricException.generic("network backend '" + type + "' is not compiled into this binary");
    }
}
