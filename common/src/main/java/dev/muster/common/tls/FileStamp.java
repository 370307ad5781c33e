package dev.muster.common.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * What tells that a set of files changed: each one's modification time, size and file key
 * (its inode, so that a file renamed into place, as cert-manager and step-ca do, counts
 * even within one timestamp tick). A file that cannot be read has no stamp.
 */
record FileStamp(List<String> parts) {

    static FileStamp of(List<Path> files) {
        return new FileStamp(files.stream().map(FileStamp::describe).toList());
    }

    private static String describe(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.lastModifiedTime().toMillis() + "/" + attributes.size() + "/" + attributes.fileKey();
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
