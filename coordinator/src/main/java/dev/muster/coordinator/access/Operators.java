package dev.muster.coordinator.access;

import dev.muster.common.config.ConfigSection;
import dev.muster.common.tls.Identity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operators the coordinator serves and their roles ({@code operators: { admin: [alice],
 * viewer: [bob] }}), by the names their certificates carry. One listed under both has the
 * higher role.
 */
public record Operators(Map<String, OperatorRole> roles) {

    public static final Operators NONE = new Operators(Map.of());

    public Operators {
        roles = Map.copyOf(roles);
    }

    public static Operators read(ConfigSection section) {
        section.allowOnly(OperatorRole.VIEWER.key(), OperatorRole.ADMIN.key());
        Map<String, OperatorRole> roles = new LinkedHashMap<>();
        for (OperatorRole role : OperatorRole.values()) {
            List<String> names = section.strings(role.key());
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!Identity.OPERATOR_NAME.matcher(name).matches()) {
                    throw section.error(
                            role.key() + "[" + i + "]",
                            "'" + name + "' is not an operator name: letters, "
                                    + "digits, '.', '-' and '_', as in the certificate's spiffe://<trust-domain>/operator/<name>");
                }
                roles.merge(name, role, (a, b) -> a.covers(b) ? a : b);
            }
        }
        return new Operators(roles);
    }

    public Optional<OperatorRole> roleOf(String name) {
        return Optional.ofNullable(roles.get(name));
    }

    public boolean isEmpty() {
        return roles.isEmpty();
    }
}
