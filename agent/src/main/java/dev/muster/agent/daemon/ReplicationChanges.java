package dev.muster.agent.daemon;

import dev.muster.proto.v1.PublicationHealth;
import dev.muster.proto.v1.ReplicationReport;
import dev.muster.proto.v1.SlotHealth;
import dev.muster.proto.v1.SubscriptionHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns successive replication reports into one line for the operator whenever something
 * they might act on changes (a subscription disabled, its worker stopped, a slot inactive or
 * its WAL at risk, the publication out of step, the database unreadable), and into nothing
 * while it stays as it was. LSNs, byte counts and error counts move with every report and are
 * left out. Used on one thread.
 */
final class ReplicationChanges {

    private static final String DATABASE = "database";

    /** One item as a report describes it, in words, and whether that is as it should be. */
    record Condition(String text, boolean healthy) {}

    /** What to log: a warning if anything that changed is not as it should be. */
    record Change(String line, boolean warning) {}

    private SortedMap<String, Condition> last = new TreeMap<>();

    Optional<Change> next(ReplicationReport report) {
        SortedMap<String, Condition> current;
        if (report.getUnavailable().isEmpty()) {
            current = conditions(report);
        } else {
            // Keep what was known: once the database can be read again, only what differs is news.
            current = new TreeMap<>(last);
            current.put(DATABASE, new Condition("cannot be read: " + report.getUnavailable(), false));
        }
        List<String> changes = new ArrayList<>();
        boolean warning = false;
        for (Map.Entry<String, Condition> entry : current.entrySet()) {
            Condition before = last.get(entry.getKey());
            Condition now = entry.getValue();
            if (!now.equals(before)) {
                changes.add(
                        entry.getKey() + " " + now.text() + (before == null ? "" : " (was: " + before.text() + ")"));
                warning |= !now.healthy();
            }
        }
        for (String item : last.keySet()) {
            if (!current.containsKey(item)) {
                changes.add(item.equals(DATABASE) ? "database can be read again" : item + " is gone");
            }
        }
        last = current;
        return changes.isEmpty()
                ? Optional.empty()
                : Optional.of(new Change("Replication: " + String.join("; ", changes), warning));
    }

    static SortedMap<String, Condition> conditions(ReplicationReport report) {
        SortedMap<String, Condition> conditions = new TreeMap<>();
        report.getSubscriptionsList()
                .forEach(subscription ->
                        conditions.put("subscription " + subscription.getName(), subscription(subscription)));
        if (report.hasPublication()) {
            conditions.put("publication " + report.getPublication().getName(), publication(report.getPublication()));
        }
        report.getSlotsList().forEach(slot -> conditions.put("slot " + slot.getName(), slot(slot)));
        return conditions;
    }

    private static Condition subscription(SubscriptionHealth subscription) {
        String text;
        if (!subscription.getExists()) {
            text = "does not exist";
        } else if (!subscription.getEnabled()) {
            text = "is disabled";
        } else if (!subscription.getWorkerRunning()) {
            text = "is enabled, but its apply worker is not running";
        } else {
            text = subscription.getTablesNotReady() > 0 ? "is enabled, copying tables" : "is enabled and replicating";
        }
        if (!subscription.getConfigured()) {
            text += " (not in replication.subscriptions)";
        }
        return new Condition(
                text, subscription.getExists() && subscription.getEnabled() && subscription.getWorkerRunning());
    }

    private static Condition publication(PublicationHealth publication) {
        if (!publication.getExists()) {
            return new Condition("does not exist", false);
        }
        List<String> differences = new ArrayList<>();
        if (publication.getNotYetPublishedCount() > 0) {
            differences.add("not yet published: " + publication.getNotYetPublishedList());
        }
        if (publication.getPublishedButNotWantedCount() > 0) {
            differences.add("published but not wanted: " + publication.getPublishedButNotWantedList());
        }
        int tables = publication.getTables();
        String count = tables + (tables == 1 ? " table" : " tables");
        return differences.isEmpty()
                ? new Condition("is in step with the application tables, " + count, true)
                : new Condition("is out of step with the application tables, " + String.join(", ", differences), false);
    }

    private static Condition slot(SlotHealth slot) {
        String walStatus = slot.getWalStatus();
        boolean atRisk = walStatus.equals("unreserved") || walStatus.equals("lost");
        String text =
                (slot.getActive() ? "is active" : "is inactive") + (walStatus.isEmpty() ? "" : ", WAL " + walStatus);
        return new Condition(text, slot.getActive() && !atRisk);
    }
}
