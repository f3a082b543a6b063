package dev.kubepath.flannel.subnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;

/** subnet.env on disk: read at start (flannel's second choice of subnet), replaced atomically on every change. */
public record SubnetEnvFile(Path path) implements Consumer<SubnetEnv> {
    public Optional<SubnetEnv> read() {
        if (!Files.exists(path)) return Optional.empty();
        try {
            return Optional.of(SubnetEnv.parse(Files.readString(path), path.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    @Override
    public void accept(SubnetEnv env) {
        try {
            if (path.getParent() != null) Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, env.render());
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }
}
