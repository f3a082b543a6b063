package dev.kubepath.lab;

import java.util.List;

/**
 * The HTTP server a lab pod runs on each of its container ports: Python's socketserver (not http.server, whose
 * request logging resolves the client's hostname and can hang without DNS), answering every request with
 * {@code HTTP/1.0 200 OK} and the pod's Server line, as the seed's {@code python2 -m SimpleHTTPServer} did.
 * It prints "ready" once listening, so the lab knows when curl can reach it. Its listen backlog is 128, not
 * socketserver's 5: a pod curled from every host at once (the lab's convergence benchmark: 19 at a time) would
 * otherwise drop the SYNs that overflow the accept queue, and each dropped SYN costs the client a 1 s retransmit.
 */
final class PodServer {
    static final String PYTHON = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private static final String SCRIPT = """
            import socketserver, sys
            port, server = int(sys.argv[1]), sys.argv[2].encode()
            body = b'<html><body>kubepath lab pod</body></html>\\n'
            class Handler(socketserver.StreamRequestHandler):
                def handle(self):
                    request = self.rfile.readline()
                    while True:
                        line = self.rfile.readline()
                        if not line or line in (b'\\r\\n', b'\\n'):
                            break
                    head = b'HTTP/1.0 200 OK\\r\\nServer: ' + server + b'\\r\\nContent-type: text/html\\r\\nContent-Length: ' \\
                        + str(len(body)).encode() + b'\\r\\n\\r\\n'
                    self.wfile.write(head if request.startswith(b'HEAD') else head + body)
            class Server(socketserver.ThreadingTCPServer):
                allow_reuse_address = True
                request_queue_size = 128
                daemon_threads = True
            s = Server(('0.0.0.0', port), Handler)
            print('ready', flush=True)
            s.serve_forever()
            """;

    private PodServer() {}

    static List<String> argv(int port, String serverLine) {
        return List.of(PYTHON, "-c", SCRIPT, String.valueOf(port), serverLine == null ? "kubepath-lab" : serverLine);
    }
}
