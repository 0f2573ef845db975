package dev.ladd.gateway.keys;

import java.util.Arrays;
import java.util.Optional;

/** What a key may do; each role includes the ones before it. */
public enum Role {
    /** reads: runs, scores, serving state, GETs of the proxied services; generating images */
    VIEWER("viewer"),
    /** and: starting runs, promoting and rolling back, writes to the proxied services */
    ML_STAFF("ml-staff"),
    /** and: creating, listing and revoking keys */
    ADMIN("admin");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }

    public static Optional<Role> fromLabel(String label) {
        return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
    }
}
