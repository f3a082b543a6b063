package dev.kubepath.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file as an operator pastes it: command outputs, with or without the shell prompts that typed them, and whatever
 * came along with the paste. Each line is one of:
 * <ul>
 * <li>a <em>prompt</em> ({@code [root@mcwk8s05 ~]# route -n}, {@code user@host:~$ cmd}, {@code controlplane $ cmd},
 * {@code k3os-26493 [~]$ cmd}, {@code host:/var/lib/kubelet # cmd}, {@code 10:44:20-root@node3:~/ssl$ cmd},
 * {@code $ cmd}, {@code # cmd} when cmd is a known command, a bare prompt with no command), or a command typed with
 * no prompt at all (a line that is a known state command, such as {@code kubectl get pods -o wide});</li>
 * <li>a <em>continuation</em> of the command before it (after a trailing {@code \}, or a {@code > } line);</li>
 * <li>a known <em>non-data</em> line: blank, a {@code # comment} (iptables-save's own comments are such lines), a
 * Markdown fence ({@code ```});</li>
 * <li>an <em>output</em> line, handed to the parsers with its line number in the file.</li>
 * </ul>
 * Markdown debris on output lines (backticks around a line, {@code **}, a trailing {@code # comment} after a value)
 * is taken off and noted. Parsers see only output lines; the commands tell which tool printed them.
 */
public final class Transcript {
    /**
     * One output line and where it was. A plain line (no Markdown taken off) is kept as a place in its file's text and
     * that text's Latin-1 copy: its String is cut only when asked for, since most lines of a big route.txt are read in
     * place by the parsers' {@link LineCursor} and never need one.
     */
    public static final class Line {
        private final int number;
        private String text; // cut from file[start, end) on first use; racy but safe (a String is immutable)
        private final String file;
        private final byte[] fileChars;
        private final int start, end;

        public Line(int number, String text) {
            this.number = number;
            this.text = java.util.Objects.requireNonNull(text);
            this.file = null;
            this.fileChars = null;
            this.start = 0;
            this.end = text.length();
        }

        private Line(int number, String file, byte[] fileChars, int start, int end) {
            this.number = number;
            this.file = file;
            this.fileChars = fileChars;
            this.start = start;
            this.end = end;
        }

        public int number() {
            return number;
        }

        public String text() {
            String t = text;
            if (t == null) text = t = file.substring(start, end);
            return t;
        }

        /** Kept in place: {@link #file()}, {@link #fileChars()}, {@link #start()} and {@link #end()} hold it. */
        boolean inPlace() {
            return file != null;
        }

        String file() {
            return file;
        }

        byte[] fileChars() {
            return fileChars;
        }

        int start() {
            return start;
        }

        int end() {
            return end;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Line l && l.number == number && l.text().equals(text());
        }

        @Override
        public int hashCode() {
            return 31 * number + text().hashCode();
        }

        @Override
        public String toString() {
            return "Line[number=" + number + ", text=" + text() + "]";
        }
    }

    /**
     * The output of one command.
     *
     * @param command    the reduced command ({@link Command#text()}), or null for output before any prompt (a plain file)
     * @param promptLine the prompt's line (0 when there is none)
     * @param lines      the output lines
     * @param host       the host the prompt names, else the one named by the last prompt before it, else null
     * @param typed      the command as parsed (null with {@code command})
     */
    public record Section(String command, int promptLine, List<Line> lines, String host, Command typed) {
        public Section {
            lines = List.copyOf(lines);
        }

        public Section(String command, int promptLine, List<Line> lines) {
            this(command, promptLine, lines, null, Command.parse(command));
        }
    }

    /** Why a line carries no data. */
    public enum Kind { PROMPT, CONTINUATION, BLANK, COMMENT, MARKUP, LABEL }

    /** A line that is not output, and what it is. */
    public record NonData(int number, Kind kind) {}

    /** Something taken off an output line to read it (Markdown debris), and where. */
    public record Note(int number, String message) {}

    /** A line that names the host of the blocks after it without being a prompt ({@code #clr-01}, {@code === node1 ===}). */
    public record Label(int number, String host) {}

    private final List<Section> sections;
    private final List<NonData> nonData;
    private final List<Note> notes;
    private final List<Label> labels;
    private final int lineCount;
    /** The text holds a '|' or a line (past the first) starting with "--": it may show a listing only in part. */
    private final boolean mayShowPart;

    /** The first characters of the output lines (below 128) as 128 bits; all set when one is not ASCII. */
    private final long[] firstChars;

    private Transcript(List<Section> sections, List<NonData> nonData, List<Note> notes, List<Label> labels, int lineCount, boolean mayShowPart,
                       long[] firstChars) {
        this.sections = List.copyOf(sections);
        this.nonData = List.copyOf(nonData);
        this.notes = List.copyOf(notes);
        this.labels = List.copyOf(labels);
        this.lineCount = lineCount;
        this.mayShowPart = mayShowPart;
        this.firstChars = firstChars;
    }

    /**
     * False when no output line starts with {@code c} (an ASCII character): a reader looking for a header line need
     * not walk thousands of lines that cannot be one.
     */
    public boolean someLineStartsWith(char c) {
        return c >= 128 || (firstChars[c >> 6] & 1L << c) != 0;
    }

    /** The last text this thread read and its transcript (a Transcript is immutable, so it can be handed out again). */
    private record Last(String text, Transcript transcript) {}

    private static final ThreadLocal<Last> LAST = new ThreadLocal<>();

    /**
     * The transcript of {@code text}. A bundle file's text goes through several readers in turn (the repeated-command
     * check, the block split, format detection, the parser), each needing its transcript: the same String read again
     * by the same thread gets the one already made (five reads of each route.txt were a third of a bundle's read).
     */
    public static Transcript of(String text) {
        Last last = LAST.get();
        if (last != null && last.text() == text && text != null) return last.transcript();
        Transcript t = read(text, text == null ? new byte[0] : latin1(text), false);
        LAST.set(new Last(text, t));
        return t;
    }

    /**
     * A file's text from its bytes (UTF-8). When the bytes are all ASCII, as most outputs are, they are the text's
     * Latin-1 copy as they stand: the text is made by copying them, with no decoding pass, and its transcript on the
     * way, which {@link #of} then hands out on this thread.
     */
    public static String text(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        Transcript t = read(text, bytes, true);
        if (t == null) return new String(bytes, java.nio.charset.StandardCharsets.UTF_8); // not ASCII: decoded
        LAST.set(new Last(text, t));
        return text;
    }

    /** The transcript this thread made last when it is {@code text}'s, else null (nothing is read). */
    static Transcript ifRead(String text) {
        Last last = LAST.get();
        return last != null && last.text() == text && text != null ? last.transcript() : null;
    }

    /**
     * Whether the text holds a '|' anywhere or a {@code --} at the start of a line past the first (grep's separator):
     * only then may it show a listing in part ({@link Partial}); found in the same pass as the lines.
     */
    boolean mayShowPart() {
        return mayShowPart;
    }

    /**
     * What a character tells the line scan, as bits: it ends the line; it is ink (above a space); it may be Markdown
     * or a prompt's sigil; it is a pipe; it is beyond ASCII.
     */
    private static final int END = 1, INK = 2, MARK = 4, PIPE = 8, BEYOND_ASCII = 16;
    private static final byte[] KIND = new byte[256];

    static {
        for (int c = '!'; c < 256; c++) KIND[c] = (byte) (c < 128 ? INK : INK | BEYOND_ASCII);
        KIND['\n'] = END;
        for (char c : "$#`*%".toCharArray()) KIND[c] |= MARK;
        KIND['|'] |= PIPE;
    }

    /** The transcript of {@code text}, whose Latin-1 copy is {@code chars}; null when {@code asciiOnly} and it is not. */
    // Long on purpose: one pass over the lines, a state machine whose state (command typed so far, its host, whether
    // it continues) lives in the locals; each branch classifies one line and moves on.
    private static Transcript read(String text, byte[] chars, boolean asciiOnly) {
        List<Section> out = new ArrayList<>();
        List<NonData> nonData = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        String typed = null, host = null;
        int promptLine = 0;
        boolean continued = false; // the command so far ends with '\' (or its prompt was just typed: '> ' may follow)
        boolean afterPrompt = false;
        // the last output line, when it may name the host of a prompt right after it (HostLabel.beforePrompt)
        String weakLabel = null;
        int weakLabelLine = 0;
        List<Line> current = new ArrayList<>();
        int n = 0;
        int start = 0;
        int len = text == null ? 0 : text.length();
        // the text's characters scanned from one Latin-1 copy (as LineCursor does): the line's end, whether it is
        // blank and whether it is plain are found in one pass over an array, a table look-up a character
        boolean pipe = false, dashLine = false;
        long[] firstChars = new long[2]; // the first characters of the output lines, as bits
        while (text != null && start <= len) {
            int end = start, kinds = 0;
            for (; end < len; end++) {
                int k = KIND[chars[end] & 0xff];
                if (k == END) break;
                kinds |= k;
            }
            if (asciiOnly && (kinds & BEYOND_ASCII) != 0) return null;
            boolean blank = (kinds & INK) == 0, plain = (kinds & MARK) == 0;
            if ((kinds & PIPE) != 0) pipe = true;
            if (end == len && start == len && n > 0) break; // the newline at the end of the file ends the last line
            if (start > 0 && end - start >= 2 && chars[start] == '-' && chars[start + 1] == '-') dashLine = true;
            n++;
            int from = start, to = end > start && chars[end - 1] == '\r' ? end - 1 : end;
            start = end + 1;
            // most lines of a big file are plain output that can be no label and no command typed without a prompt:
            // they are kept in place, with no String cut for them (the parsers read them through LineCursor)
            if (plain && !blank && !continued && !afterPrompt && !HostLabel.mayBe(chars, from, to) && !mayStartCommand(chars[from])) {
                current.add(new Line(n, text, chars, from, to));
                weakLabel = null;
                char first = text.charAt(from);
                if (first < 128) firstChars[first >> 6] |= 1L << first;
                else firstChars[0] = firstChars[1] = -1L;
                if (end == len) break;
                continue;
            }
            String line = text.substring(from, to);
            if (continued || afterPrompt && line.startsWith("> ")) {
                String more = line.startsWith("> ") ? line.substring(2) : line;
                typed = join(typed, more);
                continued = more.stripTrailing().endsWith("\\");
                nonData.add(new NonData(n, Kind.CONTINUATION));
                if (end == len) break;
                continue;
            }
            afterPrompt = false;
            if (blank) {
                nonData.add(new NonData(n, Kind.BLANK));
                if (end == len) break;
                continue;
            }
            boolean emphasised = false;
            if (!plain) {
                String clean = unmark(line);
                if (clean == null) {
                    nonData.add(new NonData(n, Kind.MARKUP));
                    notes.add(new Note(n, "Markdown fence read through"));
                    if (end == len) break;
                    continue;
                }
                if (!clean.equals(line)) {
                    emphasised = line.contains("**");
                    notes.add(new Note(n, "Markdown " + (line.contains("**") ? "emphasis" : "backticks") + " taken off to read the line"));
                    line = clean;
                }
            }
            String label = HostLabel.of(line, emphasised);
            if (label != null) {
                // "the following blocks are on host X": the output so far ends here, the next has no command
                if (typed != null || !current.isEmpty()) out.add(section(typed, promptLine, current, host));
                host = label;
                typed = null;
                promptLine = 0;
                current = new ArrayList<>();
                nonData.add(new NonData(n, Kind.LABEL));
                labels.add(new Label(n, label));
                if (end == len) break;
                continue;
            }
            Prompt p = plain ? null : Prompt.match(line);
            if (p == null && bareCommand(line)) p = new Prompt(null, line.strip());
            if (p != null) {
                // "master:" just before a prompt that names no host: the label of the blocks that follow (see HostLabel)
                String labelled = null;
                if (p.host() == null && weakLabel != null && !current.isEmpty() && current.getLast().number() == weakLabelLine) {
                    current.removeLast();
                    nonData.add(new NonData(weakLabelLine, Kind.LABEL));
                    labels.add(new Label(weakLabelLine, weakLabel));
                    labelled = weakLabel;
                }
                weakLabel = null;
                if (typed != null || !current.isEmpty()) out.add(section(typed, promptLine, current, host));
                if (labelled != null) host = labelled;
                if (p.host() != null) host = p.host();
                typed = p.command().isEmpty() ? null : p.command();
                promptLine = n;
                current = new ArrayList<>();
                continued = typed != null && typed.endsWith("\\");
                afterPrompt = typed != null;
                nonData.add(new NonData(n, Kind.PROMPT));
                if (end == len) break;
                continue;
            }
            if (!plain) {
                if (isComment(line)) {
                    nonData.add(new NonData(n, Kind.COMMENT));
                    if (end == len) break;
                    continue;
                }
                String value = withoutTrailingComment(line);
                if (value != line) {
                    notes.add(new Note(n, "comment after the value taken off: '" + line.substring(value.length()).strip() + "'"));
                    line = value;
                }
            }
            current.add(new Line(n, line));
            weakLabel = HostLabel.beforePrompt(line, emphasised);
            weakLabelLine = n;
            char first = line.isEmpty() ? 0 : line.charAt(0);
            if (first < 128) firstChars[first >> 6] |= 1L << first;
            else firstChars[0] = firstChars[1] = -1L; // any first character: nothing is ruled out
            if (end == len) break;
        }
        if (typed != null || !current.isEmpty()) out.add(section(typed, promptLine, current, host));
        return new Transcript(out, nonData, notes, labels, n, pipe || dashLine, firstChars);
    }

    /** A command typed with no prompt starts with a letter, or a path ({@code ./etcdctl}, {@code /usr/bin/ip}). */
    private static boolean mayStartCommand(int c0) {
        return c0 >= 'a' && c0 <= 'z' || c0 >= 'A' && c0 <= 'Z' || c0 == '.' || c0 == '/';
    }

    /** One byte per char of the text: its Latin-1 copy, '?' for any other char (a surrogate pair gives two). */
    static byte[] latin1(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); // a copy of the bytes of a Latin-1 string
        if (b.length == text.length()) return b;
        b = new byte[text.length()]; // a character outside the BMP was encoded as one '?': index char by char instead
        for (int i = 0; i < b.length; i++) b[i] = (byte) (text.charAt(i) <= 0xff ? text.charAt(i) : '?');
        return b;
    }

    private static Section section(String typed, int promptLine, List<Line> lines, String host) {
        Command c = Command.parse(typed);
        return new Section(c == null ? null : c.text(), c == null ? 0 : promptLine, lines, host, c);
    }

    private static String join(String typed, String more) {
        String head = typed == null ? "" : typed.stripTrailing();
        if (head.endsWith("\\")) head = head.substring(0, head.length() - 1).stripTrailing();
        return head.isEmpty() ? more.strip() : head + " " + more.strip();
    }

    public List<Section> sections() {
        return sections;
    }

    /** Lines that are not output: prompts, continuations, blanks, comments, Markdown fences. */
    public List<NonData> nonData() {
        return nonData;
    }

    /** The host labels of the session (lines naming the host of the blocks after them), in file order. */
    public List<Label> labels() {
        return labels;
    }

    /** Markdown debris that was taken off output lines to read them. */
    public List<Note> notes() {
        return notes;
    }

    /** How many lines the text has (a final newline does not start another). */
    public int lineCount() {
        return lineCount;
    }

    /** Every output line of every section, in file order (prompts and blank lines removed). */
    public List<Line> lines() {
        if (sections.size() == 1) return sections.get(0).lines(); // a plain file: the one section's list, no copy
        List<Line> all = new ArrayList<>();
        for (Section s : sections) all.addAll(s.lines());
        return java.util.Collections.unmodifiableList(all);
    }

    /** A prompt: the host it names (null when it names none) and what was typed after it ("" for a bare prompt). */
    public record Prompt(String host, String command) {
        private static final String NAME = "[A-Za-z0-9_.-]+";
        private static final String TIME = "(?:\\[?\\d{1,2}:\\d{2}(?::\\d{2})?\\]?[- ]?)?";
        private static final String VENV = "(?:\\([^)\\s]*\\)\\s?)?";
        /** [root@mcwk8s05 ~]# cmd */
        private static final Pattern BRACKET = Pattern.compile("^" + TIME + VENV + "\\[(" + NAME + ")@(" + NAME + ")(?:[ :][^\\]]*)?\\]\\s?[$#%](?:\\s*(.*))?$");
        /** root@node3:~/ssl$ cmd, root@host ~ # cmd, 10:44:20-root@node3:~$ cmd */
        private static final Pattern USER_AT = Pattern.compile("^" + TIME + VENV + "(" + NAME + ")@(" + NAME + ")(?::[^\\s$#]*| [~/][^\\s$#]*)?\\s?[$#%](?:\\s+(.*))?$");
        /** k3os-26493 [~]$ cmd */
        private static final Pattern HOST_BRACKET_DIR = Pattern.compile("^(" + NAME + ") \\[[^\\]]*\\][$#](?:\\s+(.*))?$");
        /** host:/var/lib/kubelet # cmd, host:~$ cmd */
        private static final Pattern HOST_COLON_DIR = Pattern.compile("^(" + NAME + "):[~/][^\\s$#]*\\s?[$#](?:\\s+(.*))?$");
        /** controlplane $ cmd, kube-master kubernetes # cmd (CoreOS), / # cmd (busybox in a container): only before a known command */
        private static final Pattern HOST_SIGIL = Pattern.compile("^(" + NAME + ")(?: [~/\\w.-][^\\s$#]*)? [$#] (.+)$");
        /** master $ (a bare prompt naming its host, typed with nothing) */
        private static final Pattern HOST_ALONE = Pattern.compile("^([A-Za-z][A-Za-z0-9_.-]*) [$#]$");
        private static final Pattern DIR_SIGIL = Pattern.compile("^[~/][^\\s$#]* [$#] (.+)$");

        /** The prompt at the start of a line (a few leading spaces allowed), or null when it is not one. */
        public static Prompt match(String line) {
            String s = line;
            int lead = 0;
            while (lead < s.length() && lead < 4 && s.charAt(lead) == ' ') lead++;
            if (lead > 0) s = s.substring(lead);
            if (s.isEmpty()) return null;
            char c0 = s.charAt(0);
            if (c0 == '$') return s.length() == 1 ? new Prompt(null, "") : s.charAt(1) == ' ' ? new Prompt(null, s.substring(2).strip()) : null;
            if (c0 == '#') {
                // "# cmd" is root's prompt only when a known command follows; otherwise it is a comment
                if (s.length() > 2 && s.charAt(1) == ' ' && knownCommand(s.substring(2))) return new Prompt(null, s.substring(2).strip());
                return null;
            }
            if (s.indexOf('$') < 0 && s.indexOf('#') < 0 && s.indexOf('%') < 0) return null;
            Matcher m = BRACKET.matcher(s);
            if (m.matches()) return new Prompt(m.group(2), orEmpty(m.group(3)));
            m = USER_AT.matcher(s);
            if (m.matches()) return new Prompt(m.group(2), orEmpty(m.group(3)));
            m = HOST_BRACKET_DIR.matcher(s);
            if (m.matches()) return new Prompt(m.group(1), orEmpty(m.group(2)));
            m = HOST_COLON_DIR.matcher(s);
            if (m.matches()) return new Prompt(m.group(1), orEmpty(m.group(2)));
            m = HOST_ALONE.matcher(s);
            if (m.matches()) return new Prompt(m.group(1), "");
            m = HOST_SIGIL.matcher(s);
            if (m.matches() && knownCommand(m.group(2))) return new Prompt(m.group(1), m.group(2).strip());
            m = DIR_SIGIL.matcher(s);
            if (m.matches() && knownCommand(m.group(1))) return new Prompt(null, m.group(1).strip());
            return null;
        }

        private static String orEmpty(String s) {
            return s == null ? "" : s.strip();
        }
    }

    /** Commands operators type while looking at a cluster's network: what makes "# word" a prompt, not a comment. */
    private static final Set<String> KNOWN = Set.of("kubectl", "etcdctl", "ip", "ifconfig", "route", "netstat", "arp",
            "bridge", "ipvsadm", "iptables", "iptables-save", "iptables-legacy-save", "iptables-nft-save", "ip6tables",
            "ip6tables-save", "iptables-legacy", "iptables-nft", "nft", "ipset", "sysctl", "systemctl", "service", "cat",
            "curl", "wget", "ping", "traceroute", "docker", "crictl", "ctr", "nerdctl", "journalctl", "ls", "grep", "sudo",
            "k3s", "kubeadm", "ssh", "tcpdump", "ethtool", "conntrack", "brctl", "echo", "export", "cd", "ps", "ss",
            "nslookup", "dig", "uname", "hostname", "modprobe", "lsmod", "flanneld", "nc", "telnet", "helm", "minikube",
            "microk8s", "tail", "head", "less", "vi", "vim", "watch", "awk", "sed", "mount", "free", "top", "k");

    /** Tools whose output kubepath reads: a line that is one of them, typed with no prompt, starts a section. */
    private static final Set<String> STATE_TOOLS = Set.of("kubectl", "etcdctl", "ip", "ifconfig", "route", "netstat",
            "arp", "bridge", "ipvsadm", "iptables", "iptables-save", "iptables-legacy-save", "iptables-nft-save", "nft",
            "ipset", "sysctl", "systemctl", "brctl", "conntrack");
    private static final Set<String> IP_OBJECTS = Set.of("a", "addr", "address", "r", "ro", "route", "l", "link", "n",
            "neigh", "neighbor", "neighbour", "rule", "-4", "-d", "-j", "-br", "-s", "-o", "-details", "-c", "-json");

    /** True when the first word (after sudo, assignments, a path) is a command operators type. */
    static boolean knownCommand(String typed) {
        Command c = Command.parse(typed);
        return c != null && KNOWN.contains(c.tool());
    }

    /**
     * A command typed with no prompt: a line at the left margin that is a state tool with arguments a command has
     * ({@code kubectl get pods -o wide}, {@code ip route}, {@code sudo iptables-save}, {@code route -n}). Output
     * lines of these tools never start with the tool's own name.
     */
    static boolean bareCommand(String line) {
        if (!mayStartCommand(line.charAt(0))) return false;
        int sp = line.indexOf(' ');
        String first = sp < 0 ? line : line.substring(0, sp);
        if (first.length() > 40 || line.indexOf('\t') >= 0) return false;
        // cat of one file by its absolute path (cat /run/flannel/subnet.env): no line of a file's content is that
        if (first.equals("cat")) return line.strip().matches("cat /[^\\s]+");
        if (!STATE_TOOLS.contains(first) && !first.equals("sudo") && !Command.isAssignment(first)
                && !(first.indexOf('/') >= 0 && STATE_TOOLS.contains(first.substring(first.lastIndexOf('/') + 1)))) return false;
        Command c = Command.parse(line);
        if (c == null) return false;
        // kubectl exec POD -- sh, docker exec ID sh: a shell in a pod or container, whose prompts follow
        if (!STATE_TOOLS.contains(c.tool())) return (first.equals("kubectl") || first.equals("docker")) && line.contains(" exec ");
        List<String> a = c.args();
        return switch (c.tool()) {
            case "ip" -> !a.isEmpty() && IP_OBJECTS.contains(a.get(0));
            case "kubectl", "etcdctl", "bridge", "nft", "ipset", "systemctl", "conntrack", "brctl" -> !a.isEmpty() && !a.get(0).endsWith(":");
            case "sysctl" -> !a.isEmpty() && a.get(0).startsWith("-") || a.size() == 1 && !a.get(0).contains("=") && a.get(0).contains(".") && !line.contains(" = ");
            default -> a.isEmpty() || a.get(0).startsWith("-") || a.size() == 1 && a.get(0).matches("[a-z0-9.]+");
        };
    }

    /** The line without Markdown debris; null for a fence line ({@code ```} or {@code ```bash}). */
    private static String unmark(String line) {
        String s = line.strip();
        if (s.startsWith("```")) return null;
        String out = line;
        if (s.length() > 2 && s.charAt(0) == '`' && s.charAt(s.length() - 1) == '`' && s.indexOf('`', 1) == s.length() - 1) {
            out = s.substring(1, s.length() - 1);
        }
        if (out.contains("**")) out = out.replace("**", "");
        return out;
    }

    /** The value before a {@code  # comment} that someone added to an output line; the same string when there is none. */
    private static final Pattern NFT_HANDLE = Pattern.compile(" # handle \\d+$");

    private static String withoutTrailingComment(String line) {
        // nft -a prints each object's handle as "# handle N": that is nft's output, not a comment someone added
        if (NFT_HANDLE.matcher(line).find()) return line;
        boolean dq = false;
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') dq = !dq;
            else if (c == '#' && !dq && line.charAt(i - 1) == ' ' && (i + 1 == line.length() || line.charAt(i + 1) == ' ')
                    && !blank(line.substring(0, i))) {
                return line.substring(0, i).stripTrailing();
            }
        }
        return line;
    }

    /** The shell command on a prompt line, or null when the line is not a prompt ("" for a bare prompt). */
    public static String promptCommand(String line) {
        Prompt p = Prompt.match(line);
        return p == null ? null : p.command();
    }

    /** The host name in a prompt such as {@code [root@mcwk8s05 ~]#}, or null. */
    public static String promptHost(String line) {
        Prompt p = Prompt.match(line);
        return p == null ? null : p.host();
    }

    /** Blank as the tokenizers see it: nothing above a space (control characters included). */
    static boolean blank(String line) {
        for (int i = 0; i < line.length(); i++) if (line.charAt(i) > ' ') return false;
        return true;
    }

    /** True for a {@code # comment} line an operator wrote between outputs (or iptables-save's own comments). */
    static boolean isComment(String line) {
        return line.startsWith("#");
    }
}
