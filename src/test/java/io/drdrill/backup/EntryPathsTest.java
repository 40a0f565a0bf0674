package io.drdrill.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EntryPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a.txt", "./a.txt", "dir/", "./", ".", "a/b/c", "a..b", "..a/b", "a/b../c", "ab:c",
            "a/c:d", "a//b"})
    void safeNamesPass(String name) {
        // Given / When / Then a name that stays inside the restore folder is safe
        assertThat(EntryPaths.unsafeName(name)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/etc/passwd | is an absolute path",
            "//server/share | is an absolute path",
            "\\windows\\system32 | is an absolute path",
            "C:\\Windows\\evil.dll | is an absolute path",
            "c:/evil | is an absolute path",
            "c:evil | is an absolute path",
            "../evil | has a '..' path segment",
            "a/../b | has a '..' path segment",
            "a/b/.. | has a '..' path segment",
            "a\\..\\..\\b | has a '..' path segment",
            "./.. | has a '..' path segment",
    })
    void unsafeNamesAreExplained(String name, String why) {
        // Given / When / Then absolute names and '..' segments are unsafe, whichever separator is used
        assertThat(EntryPaths.unsafeName(name)).contains(why);
    }

    @Test
    void emptyNameIsUnsafe() {
        // Given / When / Then an empty name cannot be extracted anywhere sensible
        assertThat(EntryPaths.unsafeName("")).contains("has an empty name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a/link | target",
            "a/link | ../b",
            "a/b/link | ../../c",
            "./a/link | ./../b",
            "link | .",
            "a/link | ../a/../b",
            "link | ''",
    })
    void symlinksInsideTheArchivePass(String name, String target) {
        // Given / When / Then a relative target resolved from the link's folder stays inside
        assertThat(EntryPaths.unsafeSymlink(name, target)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "link | .. | is a symlink pointing outside the archive",
            "a/link | ../.. | is a symlink pointing outside the archive",
            "a/b/link | ../../../etc/passwd | is a symlink pointing outside the archive",
            "a/link | b/../../../c | is a symlink pointing outside the archive",
            "./link | ./../x | is a symlink pointing outside the archive",
            "a/link | /etc/passwd | is a symlink to an absolute path",
            "a/link | C:\\x | is a symlink to an absolute path",
    })
    void symlinksLeavingTheArchiveAreExplained(String name, String target, String why) {
        // Given / When / Then absolute targets and targets that climb above the top are unsafe
        assertThat(EntryPaths.unsafeSymlink(name, target)).contains(why);
    }

    @Test
    void hardlinkTargetsAreArchiveNames() {
        // Given / When / Then a hard link names another entry: relative, no '..'
        assertThat(EntryPaths.unsafeHardlink("a/b.txt")).isEmpty();
        assertThat(EntryPaths.unsafeHardlink("/etc/passwd")).contains("is a hard link to an absolute path");
        assertThat(EntryPaths.unsafeHardlink("a/../../b")).contains("is a hard link to a path with a '..' segment");
    }

    @Test
    void shownNamesAreOneLineAndBounded() {
        // Given / When / Then control characters are escaped and long names abbreviated
        assertThat(EntryPaths.shown("a\nb\tc\u007f")).isEqualTo("a\\x0ab\\x09c\\x7f");
        assertThat(EntryPaths.shown("n".repeat(500))).isEqualTo("n".repeat(117) + "...").hasSize(120);
        assertThat(EntryPaths.shown("n".repeat(120))).isEqualTo("n".repeat(120));
    }
}
