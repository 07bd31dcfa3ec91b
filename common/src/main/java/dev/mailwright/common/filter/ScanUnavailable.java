package dev.mailwright.common.filter;

/** A scanner (rspamd, clamd) could not give an answer: down, too slow, or an answer that makes no sense. */
public class ScanUnavailable extends Exception {
    public ScanUnavailable(String message) {
        super(message);
    }
}
