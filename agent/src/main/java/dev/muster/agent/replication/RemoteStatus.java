package dev.muster.agent.replication;

import dev.muster.common.cli.TextTable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/** A remote region's side of replication: its publication and the slots that subscribers hold on it. */
public record RemoteStatus(PublicationPlan publication, List<SlotStatus> slots) {

    public RemoteStatus {
        slots = List.copyOf(slots);
    }

    public String describe() {
        StringBuilder text = new StringBuilder();
        String name = publication.publication();
        if (!publication.exists()) {
            text.append("publication ").append(name).append(" does not exist: run 'muster-agent replication setup'");
        } else {
            int count = publication.current().size();
            text.append("publication ")
                    .append(name)
                    .append(": ")
                    .append(count)
                    .append(count == 1 ? " table" : " tables");
            if (publication.inStep()) {
                text.append(", in step with the application tables");
            } else {
                text.append(", out of step with the application tables (run 'muster-agent replication setup'):");
                if (!publication.added().isEmpty()) {
                    text.append(" not yet published: ").append(publication.added());
                }
                if (!publication.removed().isEmpty()) {
                    text.append(" published but not wanted: ").append(publication.removed());
                }
                if (publication.hasSchemas()) {
                    text.append(" publishes whole schemas");
                }
            }
            publication.current().forEach(table -> text.append("\n  ").append(table));
        }
        text.append("\n\n");
        if (slots.isEmpty()) {
            return text.append("no replication slots").toString();
        }
        TextTable table = new TextTable(
                "SLOT", "TYPE", "DATABASE", "ACTIVE", "RETAINED WAL", "WAL STATUS", "SAFE WAL SIZE", "LAG", "LAG TIME");
        for (SlotStatus slot : slots) {
            table.add(
                    slot.name(),
                    slot.type(),
                    slot.database().orElse("-"),
                    slot.active() ? "yes" : "no",
                    bytes(slot.retainedBytes()),
                    slot.walStatus().orElse("-"),
                    safeWalSize(slot),
                    bytes(slot.lagBytes()),
                    slot.lag().map(RemoteStatus::seconds).orElse("-"));
        }
        return text.append(table.render()).toString();
    }

    private static String bytes(OptionalLong size) {
        return size.isPresent() ? ByteSize.format(size.getAsLong()) : "-";
    }

    private static String seconds(Duration lag) {
        return String.format(Locale.ROOT, "%.1f s", lag.toMillis() / 1000.0);
    }

    /** The server reports none both for a lost slot and when {@code max_slot_wal_keep_size} is unlimited. */
    private static String safeWalSize(SlotStatus slot) {
        if (slot.safeWalSize().isPresent()) {
            return ByteSize.format(slot.safeWalSize().getAsLong());
        }
        return slot.walStatus().isEmpty() || slot.walStatus().get().equals("lost") ? "-" : "unlimited";
    }
}
