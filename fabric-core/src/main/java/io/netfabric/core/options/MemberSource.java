package io.netfabric.core.options;

import java.util.List;

/**
 * Where a front door's values come from, seen the way a QAPI input visitor sees them: members
 * are asked for one by one in schema order, then whatever nobody asked for is an error. The two
 * implementations carry the two visitors' rules and messages (command line: qapi/opts-visitor.c;
 * QMP: qapi/qobject-input-visitor.c).
 */
interface MemberSource {

    /** Whether the member was given ({@code visit_optional()}). */
    boolean present(String name);

    /** The member's value converted to its Java type; throws QEMU's error if it cannot be. */
    Object read(QapiMember member);

    /** Refuses the first input member that no {@link #read} consumed. */
    void checkAllConsumed();

    /** Reads a struct's members in schema order: absent optionals are null. */
    default Object[] readAll(List<QapiMember> members) {
        Object[] values = new Object[members.size()];
        for (int i = 0; i < values.length; i++) {
            QapiMember m = members.get(i);
            if (present(m.name())) {
                values[i] = read(m);
            } else if (m.required()) {
                throw missing(m.name());
            }
        }
        return values;
    }

    /** QERR_MISSING_PARAMETER with the name as this visitor spells it. */
    default RuntimeException missing(String name) {
        return QapiErrors.missing(name);
    }
}
