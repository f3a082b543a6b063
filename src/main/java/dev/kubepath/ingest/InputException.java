package dev.kubepath.ingest;

/** Bad input: names the file, the line (0 when unknown) and what was expected. The CLI prints it as one line. */
public class InputException extends RuntimeException {
    private final String file;
    private final int line;

    public InputException(String file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
    }

    /** Bad input that is no file's: an option's value, a host name, an address typed on the command line. */
    public InputException(String message) {
        this(null, 0, message);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** "scenarios/x.yaml:12: expected ..." */
    public String oneLine() {
        return (file == null ? "" : file + (line > 0 ? ":" + line : "") + ": ") + getMessage();
    }
}
