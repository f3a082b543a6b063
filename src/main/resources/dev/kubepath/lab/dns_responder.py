# A small authoritative DNS responder standing for CoreDNS's kubernetes plugin in the lab and in
# scripts/capture-dns-goldens.sh: UDP (and TCP, length-prefixed) on ADDRESS:PORT, A records from NAME=IP arguments,
# answers flagged qr aa (rd echoed), ttl 30, NXDOMAIN with the zone's SOA for other names under ZONE, an empty
# NOERROR with the SOA for other types of a known name. A name outside ZONE gets NXDOMAIN with ra set: CoreDNS
# forwards it to the node's resolver, which answers with recursion; the lab has no upstream, so no name out there exists.
# Usage: python3 dns_responder.py ADDRESS PORT ZONE [NAME=IP ...] [@FILE]; prints "ready" once listening.
# @FILE holds NAME=IP lines and is read again whenever it changes (the lab rewrites it as Services come and go,
# as CoreDNS's kubernetes plugin follows the API server); its records replace those of the previous reading.
import os, socket, struct, sys, threading

address, port, zone = sys.argv[1], int(sys.argv[2]), sys.argv[3].rstrip('.').lower()
fixed, files = [], []
for arg in sys.argv[4:]:
    if arg.startswith('@'):
        files.append(arg[1:])
    else:
        fixed.append(arg)
TTL = 30
lock = threading.Lock()
records, seen = {}, None


def load():
    global records, seen
    stamp = []
    for f in files:
        try:
            st = os.stat(f)
            stamp.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append(None)
    if stamp == seen:
        return
    lines = list(fixed)
    for f in files:
        try:
            with open(f) as fh:
                lines += [l.strip() for l in fh if '=' in l]
        except OSError:
            pass
    table = {}
    for line in lines:
        name, ip = line.split('=', 1)
        table.setdefault(name.rstrip('.').lower(), []).append(socket.inet_aton(ip))
    records, seen = table, stamp


def encode(name):
    out = b''
    for label in name.split('.'):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b'\x00'


def soa():
    rdata = encode('ns.dns.' + zone) + encode('hostmaster.' + zone) + struct.pack('>IIIII', 1700000000, 7200, 1800, 86400, TTL)
    return encode(zone) + struct.pack('>HHIH', 6, 1, TTL, len(rdata)) + rdata


def answer(query):
    ident, flags, qd = struct.unpack('>HHH', query[:6])
    pos, labels = 12, []
    while query[pos]:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode('ascii', 'replace'))
        pos += 1 + n
    qtype, qclass = struct.unpack('>HH', query[pos + 1:pos + 5])
    question = query[12:pos + 5]
    name = '.'.join(labels).lower()
    opt = b''
    if struct.unpack('>H', query[10:12])[0]:  # an OPT record: answer with EDNS too, as CoreDNS does
        opt = b'\x00' + struct.pack('>HHIH', 41, 1232, 0, 0)
    rd = flags & 0x0100
    if name != zone and not name.endswith('.' + zone):
        return struct.pack('>HHHHHH', ident, 0x8080 | rd | 3, 1, 0, 0, 1 if opt else 0) + question + opt
    with lock:
        load()
        ips = records.get(name)
    if ips and qtype == 1:
        body = b''.join(b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, TTL, 4) + ip for ip in ips)
        return struct.pack('>HHHHHH', ident, 0x8400 | rd, 1, len(ips), 0, 1 if opt else 0) + question + body + opt
    rcode = 0 if ips else 3
    return struct.pack('>HHHHHH', ident, 0x8400 | rd | rcode, 1, 0, 1, 1 if opt else 0) + question + soa() + opt


def serve_tcp(server):
    while True:
        conn, _ = server.accept()
        conn.settimeout(2)  # a client that never sends its whole query (an HTTP probe of port 53) cannot hold the server
        try:
            length = struct.unpack('>H', conn.recv(2))[0]
            query = b''
            while len(query) < length:
                query += conn.recv(length - len(query))
            reply = answer(query)
            conn.sendall(struct.pack('>H', len(reply)) + reply)
        except Exception:
            pass
        finally:
            conn.close()


udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((address, port))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((address, port))
tcp.listen(128)
threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
print('ready', flush=True)
while True:
    data, peer = udp.recvfrom(4096)
    try:
        udp.sendto(answer(data), peer)
    except Exception:
        pass
