package dev.kubepath.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line split as bash splits it, for the part of bash the shell speaks: words separated by blanks,
 * single and double quotes (and backslash) keeping blanks inside a word, and {@code |} between the commands of a
 * pipeline. Expansions, redirections and lists are not understood; their characters stay in the words.
 */
record Words(List<List<String>> pipeline) {
    /** bash's answer to an unterminated quote, as a non-interactive bash prints it. */
    static final class Unbalanced extends Exception {
        Unbalanced(char quote) {
            super("-bash: unexpected EOF while looking for matching `" + quote + "'\n-bash: syntax error: unexpected end of file\n");
        }
    }

    /** bash's answer to a pipe with nothing on one side. */
    static final class EmptyPipe extends Exception {
        EmptyPipe() {
            super("-bash: syntax error near unexpected token `|'\n");
        }
    }

    static Words split(String line) throws Unbalanced, EmptyPipe {
        List<List<String>> stages = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                else word.append(c);
            } else if (quote == '"') {
                if (c == '"') quote = 0;
                else if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) word.append(line.charAt(++i));
                else word.append(c);
            } else if (c == '\'' || c == '"') {
                if (word == null) word = new StringBuilder();
                quote = c;
            } else if (c == '\\' && i + 1 < line.length()) {
                if (word == null) word = new StringBuilder();
                word.append(line.charAt(++i));
            } else if (c == ' ' || c == '\t') {
                if (word != null) words.add(word.toString());
                word = null;
            } else if (c == '|') {
                if (word != null) words.add(word.toString());
                word = null;
                if (words.isEmpty()) throw new EmptyPipe();
                stages.add(words);
                words = new ArrayList<>();
            } else {
                if (word == null) word = new StringBuilder();
                word.append(c);
            }
        }
        if (quote != 0) throw new Unbalanced(quote);
        if (word != null) words.add(word.toString());
        if (words.isEmpty() && !stages.isEmpty()) throw new EmptyPipe();
        if (!words.isEmpty()) stages.add(words);
        return new Words(List.copyOf(stages));
    }
}
