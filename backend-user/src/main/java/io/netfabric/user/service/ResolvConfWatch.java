package io.netfabric.user.service;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The host's resolvers as resolv.conf names them, followed while the helper runs, as libslirp's
 * {@code get_dns_addr_resolv_conf()} follows them: at most once a second the file is looked at
 * (through a symbolic link, as systemd-resolved's is), and when its identity, size or
 * modification time differ from the last look it is read again. A laptop that changes networks
 * rewrites the file; the guest's queries go to the new resolvers without a restart.
 */
public final class ResolvConfWatch {
    /** libslirp's TIMEOUT_DEFAULT (1000 ms) between looks. */
    public static final long CHECK_NANOS = 1_000_000_000L;

    /** What identifies one version of the file: device and inode, size, modification time (all null when missing). */
    private record Stamp(Object fileKey, long size, FileTime modified) {
    }

    private final Path file;
    private final Function<Path, List<InetSocketAddress>> reader;
    /** Unknown until the first look: the file may have changed since the configuration read it. */
    private Stamp stamp;
    private boolean looked;
    private long lastLook;

    /** {@code reader} turns the file into resolvers (an unreadable file gives its fallback). */
    public ResolvConfWatch(Path file, Function<Path, List<InetSocketAddress>> reader) {
        this.file = file;
        this.reader = reader;
    }

    public Path file() {
        return file;
    }

    /** The resolvers, when the file has changed since the last look and a look is due at {@code now}; else null. */
    public List<InetSocketAddress> changed(long now) {
        if (looked && now - lastLook < CHECK_NANOS) {
            return null;
        }
        Stamp s = stamp();
        boolean first = !looked;
        looked = true;
        lastLook = now;
        if (!first && Objects.equals(s, stamp)) {
            return null;
        }
        stamp = s;
        return reader.apply(file);
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return new Stamp(null, -1, null);
        }
    }
}
