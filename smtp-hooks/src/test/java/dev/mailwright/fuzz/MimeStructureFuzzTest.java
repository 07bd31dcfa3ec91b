package dev.mailwright.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.smtp.mime.MimeStructure;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class MimeStructureFuzzTest {
    private static final MimeStructure STRUCTURE = new MimeStructure(100, 1000);

    /** The structure check answers for any message (a violation or none), without running deep into the stack. */
    @FuzzTest(maxDuration = "10s")
    void mimeStructure(byte[] raw) {
        try {
            STRUCTURE.violation(new ByteArrayInputStream(raw));
        } catch (IOException unreadable) {
            // refused as unreadable by the hook
        }
    }
}
