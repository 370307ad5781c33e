package dev.muster.coordinator.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/** Messages as JSON for scripts: proto3's canonical mapping, fields with default values included. */
final class Json {

    private static final JsonFormat.Printer PRETTY = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();
    private static final JsonFormat.Printer LINE = PRETTY.omittingInsignificantWhitespace();

    private Json() {}

    static String pretty(MessageOrBuilder message) {
        return print(PRETTY, message);
    }

    /** One line, for streams of messages (JSON Lines). */
    static String line(MessageOrBuilder message) {
        return print(LINE, message);
    }

    private static String print(JsonFormat.Printer printer, MessageOrBuilder message) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
