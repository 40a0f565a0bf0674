package io.drdrill.evidenceweb;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Only a drill's listing or one of its files can be named, in one plain form; everything else is malformed. */
class EvidenceRouteTest {

    private static final String RUN = "drill-20260102T030405Z-0123456789ab";

    @Test
    void theRunFolderWithOrWithoutItsSlashIsTheListing() throws Exception {
        // Given the run folder's path, when it is parsed, then it asks for the listing
        assertThat(EvidenceRoute.parse("/drills/" + RUN + "/")).isEqualTo(new EvidenceRoute.Listing(RUN));
        assertThat(EvidenceRoute.parse("/drills/" + RUN)).isEqualTo(new EvidenceRoute.Listing(RUN));
    }

    @Test
    void aFileOfTheRunFolderOrOfItsRestoreFolderIsAFile() throws Exception {
        // Given a report's and a recall log's path, when they are parsed, then each names its folder and file
        assertThat(EvidenceRoute.parse("/drills/" + RUN + "/dr-report.json"))
                .isEqualTo(new EvidenceRoute.File(RUN, "", "dr-report.json"));
        assertThat(EvidenceRoute.parse("/drills/" + RUN + "/restore/recall-stdout.log"))
                .isEqualTo(new EvidenceRoute.File(RUN, "restore", "recall-stdout.log"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/drills", "/drills/", "/drills/not-a-run/dr-report.json",
            "/drills/DRILL-20260102T030405Z-0123456789ab/", "/drills/drill-20260102T030405Z-0123456789AB/",
            "/drills/" + RUN + "/../secret.txt", "/drills/" + RUN + "/..", "/drills/" + RUN + "/.",
            "/drills/" + RUN + "/a..b", "/drills/" + RUN + "/.hidden", "/drills/" + RUN + "//dr-report.json",
            "/drills//" + RUN + "/dr-report.json", "/drills/" + RUN + "/%2e%2e/secret.txt",
            "/drills/" + RUN + "/..%2fsecret.txt", "/drills/" + RUN + "/%252e%252e/secret.txt",
            "/drills/" + RUN + "/..%5csecret.txt", "/drills/" + RUN + "/..\\secret.txt",
            "/drills/" + RUN + "/dr-report.json;jsessionid=ABC", "/drills/" + RUN + ";x=y/dr-report.json",
            "/drills/" + RUN + "/restore/", "/drills/" + RUN + "/restore/../dr-report.json",
            "/drills/" + RUN + "/other/dr-report.json", "/drills/" + RUN + "/restore/deep/file.log",
            "/drillsx/" + RUN + "/", "/camunda/../drills/" + RUN + "/dr-report.json"})
    void anythingElseIsMalformed(String path) {
        // Given a path in any other form, when it is parsed, then it is refused as malformed
        assertThatThrownBy(() -> EvidenceRoute.parse(path)).isInstanceOf(EvidenceRoute.Malformed.class);
    }

    @Test
    void aFileNameHasAtMost128Characters() throws Exception {
        // Given names of 128 and 129 characters
        String longest = "a".repeat(128);

        // When they are parsed, then the first is a file and the second is malformed
        assertThat(EvidenceRoute.parse("/drills/" + RUN + "/" + longest))
                .isEqualTo(new EvidenceRoute.File(RUN, "", longest));
        assertThatThrownBy(() -> EvidenceRoute.parse("/drills/" + RUN + "/" + longest + "a"))
                .isInstanceOf(EvidenceRoute.Malformed.class);
    }
}
