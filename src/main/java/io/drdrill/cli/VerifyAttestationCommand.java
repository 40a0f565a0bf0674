package io.drdrill.cli;

import io.drdrill.evidence.DrillAttestation;
import io.drdrill.logging.TerminalText;
import io.drdrill.step.DrDrillError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code dr-drill verify-attestation}: checks a drill attestation as an auditor would — its DSSE signature under
 * the given public key, and each subject's SHA-256 against the files it names — without trusting anything else
 * in the evidence folder. No engine is started.
 */
@Command(name = "verify-attestation", mixinStandardHelpOptions = true,
        description = "Verifies dr-attestation.intoto.json: the signature, and the digests of the files it names.")
public class VerifyAttestationCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "PUB",
            description = "The signer's public key (PEM: PUBLIC KEY or CERTIFICATE).")
    Path key;

    @Option(names = "--evidence-dir", paramLabel = "DIR",
            description = "Check the evidence subjects (report, events, metrics, engine history) in this folder "
                    + "(default: the attestation's folder).")
    Path evidenceDir;

    @Option(names = "--restore-dir", paramLabel = "DIR",
            description = "Check the restored artifact in this folder (the manifest's restore.output_dir).")
    Path restoreDir;

    @Parameters(paramLabel = "FILE", description = "The attestation (dr-attestation.intoto.json).")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path required : new Path[]{file, key}) {
            if (!Files.isRegularFile(required)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        TerminalText.escape(required.toString()) + " is not a readable file");
            }
        }
        Path evidence = evidenceDir != null ? evidenceDir : file.toAbsolutePath().getParent();
        DrillAttestation.Verification verification;
        try {
            verification = DrillAttestation.verify(file, key, Optional.of(evidence), Optional.ofNullable(restoreDir));
        } catch (DrDrillError refused) {
            err.println("[dr-drill] NOT VERIFIED: " + TerminalText.escape(refused.getMessage()));
            return 1;
        }
        for (DrillAttestation.SubjectCheck subject : verification.subjects()) {
            out.printf("  %-10s %s sha256:%s%n", subject.status(), TerminalText.escape(subject.name()),
                    TerminalText.escape(subject.expectedSha256()));
        }
        var predicate = verification.statement().path("predicate");
        String summary = "run " + predicate.path("run_id").asText() + ", status " + predicate.path("status").asText()
                + ", signed by " + verification.keyFingerprint();
        if (!verification.allSubjectsMatch()) {
            err.println("[dr-drill] NOT VERIFIED: the signature is good but a subject differs from the file it "
                    + "names (" + TerminalText.escape(summary) + ")");
            return 1;
        }
        out.println("[dr-drill] VERIFIED: " + TerminalText.escape(summary));
        out.flush();
        return 0;
    }
}
