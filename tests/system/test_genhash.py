"""genhash (and `keepalived -T`) against real servers, compared with
md5sum and with keepalived 2.2.7's genhash (/usr/bin/genhash).

Servers, all on 127.0.0.1 and free ports, all stopped at teardown:
  nginx     its own config, pid file and logs in a temporary directory,
            plain HTTP and HTTPS (a self-signed certificate made here with
            `openssl req`), static files and an SSI page (chunked for
            HTTP/1.1); skipped when nginx is not installed
            (apt-get install nginx-light)
  scripted  a Python socket server that records the request and answers
            fixed bytes (optionally in pieces, or never, or keeping the
            connection open): used for chunked bodies, odd Content-Length
            headers, timeouts and the request format

Output is compared line for line with the reference where it is
deterministic; the "Global response time" value is masked.
"""

import hashlib
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import is_root, wait_for
from procutil import stop_popen

REF_GENHASH = Path(os.environ.get("GENHASH_REF", "/usr/bin/genhash"))
RUN_TIMEOUT = 30


# ---- binaries -------------------------------------------------------------

def _our_genhash():
    p = os.environ.get("GENHASH_BIN")
    if p:
        return Path(p)
    ka = os.environ.get("KEEPALIVED_BIN")
    return Path(ka).parent / "genhash" if ka else Path(__file__).parents[2] / "genhash"


@pytest.fixture(scope="module")
def genhash():
    p = _our_genhash()
    if not (p.is_file() and os.access(p, os.X_OK)):
        pytest.skip(f"our genhash not found at {p} (set GENHASH_BIN)")
    return p


@pytest.fixture(scope="module")
def ref_genhash():
    if not (REF_GENHASH.is_file() and os.access(REF_GENHASH, os.X_OK)):
        pytest.skip(f"reference genhash not found at {REF_GENHASH} (apt-get install keepalived)")
    return REF_GENHASH


def run(binary, *args, timeout=RUN_TIMEOUT):
    p = subprocess.run([str(binary), *map(str, args)], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def normalise(binary, out):
    """Mask the response time and the program name in the usage text."""
    out = re.sub(rb"= \d+ usecs", b"= N usecs", out)
    return out.replace(str(binary).encode(), b"PROG")


def assert_same(ours_bin, ref_bin, *args):
    """Run both with the same arguments; exit status, stdout, stderr equal."""
    o = run(ours_bin, *args)
    r = run(ref_bin, *args)
    assert o[0] == r[0], f"exit status {o[0]} != reference {r[0]} for {args}"
    assert normalise(ours_bin, o[1]).splitlines() == normalise(ref_bin, r[1]).splitlines(), args
    assert normalise(ours_bin, o[2]).splitlines() == normalise(ref_bin, r[2]).splitlines(), args
    return o


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def md5(data):
    return hashlib.md5(data).hexdigest()


# ---- a scripted server ---------------------------------------------------------

class Scripted:
    """Accepts connections on 127.0.0.1:port in a thread; for each (in a
    thread of its own, so that clients do not wait for each other), reads the
    request (up to the blank line), then sends `response` (in pieces of
    `piece` bytes when given), keeps the connection `hold` seconds, closes.
    With silent=True it reads and never answers until stopped; with
    reset=True it lets the request arrive, unread, and closes: a reset."""

    def __init__(self, response=b"", piece=0, hold=0.0, silent=False, reset=False):
        self.response, self.piece, self.hold, self.silent = response, piece, hold, silent
        self.reset = reset
        self.requests = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer_and_close, args=(c,), daemon=True).start()

    def _answer_and_close(self, c):
        with c:
            self._answer(c)

    def _answer(self, c):
        if self.reset:
            self.stopping.wait(0.3)
            return
        c.settimeout(5)
        req = b""
        try:
            while b"\r\n\r\n" not in req:
                d = c.recv(4096)
                if not d:
                    break
                req += d
        except OSError:
            pass
        self.requests.append(req)
        if self.silent:
            self.stopping.wait(30)
            return
        try:
            if self.piece:
                for i in range(0, len(self.response), self.piece):
                    c.sendall(self.response[i:i + self.piece])
                    time.sleep(0.02)
            else:
                c.sendall(self.response)
        except OSError:
            return
        self.stopping.wait(self.hold)

    def stop(self):
        self.stopping.set()
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def scripted():
    servers = []

    def start(*args, **kw):
        s = Scripted(*args, **kw)
        servers.append(s)
        return s
    yield start
    for s in servers:
        s.stop()


# ---- nginx -------------------------------------------------------------------------

NGINX_CONF = """\
daemon off;
{user}
pid {d}/nginx.pid;
error_log {d}/error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
    default_type application/octet-stream;
    gzip off;
    server {{
        listen 127.0.0.1:{http};
        root {d}/www;
        location /ssi/ {{ ssi on; default_type text/html; }}
    }}
    server {{
        listen 127.0.0.1:{https} ssl;
        ssl_certificate {d}/cert.pem;
        ssl_certificate_key {d}/key.pem;
        root {d}/www;
    }}
}}
"""

FILES = {
    "index.html": b"<html><body>hello from nginx</body></html>\n",
    "empty.txt": b"",
    "big.bin": bytes((i * 7 + i // 251) & 0xff for i in range(150000)),
    "ssi/page.html": b"<p>one</p><!--# echo var=\"none\" default=\"two\" --><p>three</p>\n",
}


class Nginx:
    def __init__(self, directory):
        self.dir = directory
        self.http, self.https = free_port(), free_port()
        www = directory / "www"
        for name, data in FILES.items():
            (www / name).parent.mkdir(parents=True, exist_ok=True)
            (www / name).write_bytes(data)
        (directory / "tmp").mkdir()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem"),
                        "-days", "2", "-subj", "/CN=localhost"],
                       check=True, capture_output=True, timeout=60)
        conf = directory / "nginx.conf"
        conf.write_text(NGINX_CONF.format(d=directory, http=self.http, https=self.https,
                                          user="user root;" if is_root() else ""))
        self.proc = subprocess.Popen([shutil.which("nginx"), "-c", str(conf), "-p", str(directory)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        wait_for(lambda: self._listening(), timeout=15, what="nginx listening")

    def _listening(self):
        if self.proc.poll() is not None:
            pytest.fail("nginx exited: " + self.proc.stderr.read().decode(errors="replace"))
        for port in (self.http, self.https):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            except OSError:
                return False
        return True

    def stop(self):
        stop_popen(self.proc)


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    if not shutil.which("nginx"):
        pytest.skip("nginx not installed (apt-get install nginx-light)")
    if not shutil.which("openssl"):
        pytest.skip("openssl command not installed")
    n = Nginx(tmp_path_factory.mktemp("nginx"))
    yield n
    n.stop()


# ---- digests of real pages ---------------------------------------------------

@pytest.mark.parametrize("name", ["index.html", "empty.txt", "big.bin"])
def test_http_digest_matches_md5sum_and_reference(genhash, ref_genhash, nginx, name):
    st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", nginx.http,
                               "-u", "/" + name)
    assert st == 0 and err == b""
    assert out.decode().strip() == md5(FILES[name])


@pytest.mark.parametrize("name", ["index.html", "big.bin"])
@pytest.mark.parametrize("extra", [[], ["-I", "-V", "localhost"], ["-P", "1.1"]])
def test_https_digest(genhash, ref_genhash, nginx, name, extra):
    st, out, err = assert_same(genhash, ref_genhash, "-S", "-s", "127.0.0.1", "-p", nginx.https,
                               "-u", "/" + name, *extra)
    assert out.decode().strip() == md5(FILES[name])


@pytest.mark.parametrize("proto", ["1.0", "1.0c", "1.1"])
def test_protocols_and_virtualhost(genhash, ref_genhash, nginx, proto):
    st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", nginx.http,
                               "-u", "/index.html", "-P", proto, "-V", "www.example.com")
    assert out.decode().strip() == md5(FILES["index.html"])


def test_status_404_is_hashed(genhash, ref_genhash, nginx):
    """genhash prints the digest of whatever page came, error pages too."""
    st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", nginx.http,
                               "-u", "/nosuch")
    assert re.fullmatch(rb"[0-9a-f]{32}\n", out)


def test_nginx_chunked_ssi(genhash, ref_genhash, nginx):
    """SSI output is sent chunked to HTTP/1.1 clients; 2.2.7 hashes the
    chunked framing along with the data, and so do we."""
    st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", nginx.http,
                               "-u", "/ssi/page.html", "-P", "1.1")
    assert re.fullmatch(rb"[0-9a-f]{32}\n", out)


def test_verbose_nginx_header_and_digest(genhash, nginx):
    """-v on a real page: header dump and text, then the digest."""
    st, out, err = run(genhash, "-v", "-s", "127.0.0.1", "-p", nginx.http, "-u", "/index.html")
    text = out.decode()
    assert "[    HTTP Header Buffer    ]" in text
    assert "HTTP/1.1 200 OK\r\n" in text
    assert text.splitlines()[-3] == md5(FILES["index.html"])
    assert re.match(r"Global response time for \[/index.html\] = \d+ usecs", text.splitlines()[-1])


# ---- scripted answers ----------------------------------------------------------

SCRIPTED = {
    "content-length": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello",
    "length-cut": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhello",
    "length-short": b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
    "length-lowercase": b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nhello",
    "length-trailing-blank": b"HTTP/1.1 200 OK\r\nContent-Length: 3 \r\n\r\nhello",
    "x-content-length": b"HTTP/1.1 200 OK\r\nX-Content-Length: +3\r\n\r\nhello",
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n",
    "close-delimited": b"HTTP/1.0 200 OK\r\n\r\n" + bytes(range(256)) * 40,
    "status-503": b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown",
    "garbage-status": b"garbage\r\n\r\nhello",
    "no-header-end": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
    "lf-only-header": b"HTTP/1.1 200 OK\nContent-Length: 3\n\nhello",
    "empty": b"",
    "header-4095": b"HTTP/1.1 200 OK\r\nX: " + b"a" * (4095 - 26) + b"\r\n\r\nhello",
    "header-4096": b"HTTP/1.1 200 OK\r\nX: " + b"a" * (4096 - 26) + b"\r\n\r\nhello",
}


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
@pytest.mark.parametrize("case", sorted(SCRIPTED))
def test_scripted_answers_like_reference(genhash, ref_genhash, scripted, case, verbose):
    srv = scripted(SCRIPTED[case])
    assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", srv.port, "-u", "/x", *verbose)


def test_chunked_digest_is_of_raw_body(genhash, scripted):
    resp = SCRIPTED["chunked"]
    srv = scripted(resp)
    st, out, err = run(genhash, "-s", "127.0.0.1", "-p", srv.port, "-u", "/x")
    assert out.decode().strip() == md5(resp[resp.index(b"\r\n\r\n") + 4:])


def test_header_split_over_reads(genhash, ref_genhash, scripted):
    """The header banner is printed for every read until the header ends."""
    srv = scripted(SCRIPTED["content-length"], piece=7)
    st, out, err = run(genhash, "-v", "-s", "127.0.0.1", "-p", srv.port, "-u", "/x")
    assert out.count(b"[    HTTP Header Buffer    ]") >= 2
    assert md5(b"hello").encode() in out


# ---- the request ------------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["-P", "1.0c"], ["-P", "1.1"], ["-V", "vh.example"],
                                  ["-P", "1.1", "-V", "vh.example"]])
def test_request_like_reference(genhash, ref_genhash, scripted, args):
    srv = scripted(SCRIPTED["content-length"])
    run(genhash, "-s", "127.0.0.1", "-p", srv.port, "-u", "/a/b?c=d", *args)
    run(ref_genhash, "-s", "127.0.0.1", "-p", srv.port, "-u", "/a/b?c=d", *args)
    wait_for(lambda: len(srv.requests) == 2, timeout=10, what="two requests")
    assert srv.requests[0] == srv.requests[1]
    assert srv.requests[0].startswith(b"GET /a/b?c=d HTTP/1.")
    assert b"User-Agent: KeepAliveClient\r\n" in srv.requests[0]


# ---- failures ---------------------------------------------------------------------

def test_timeout_before_any_byte(genhash, ref_genhash, scripted):
    srv = scripted(silent=True)
    t0 = time.monotonic()
    st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", srv.port,
                               "-u", "/", "-t", "1")
    assert out == b"Timeout WEB read\n"
    assert time.monotonic() - t0 < 10


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
def test_timeout_after_response_without_close(genhash, ref_genhash, scripted, verbose):
    """2.2.7 waits for the server to close, even with the whole body in."""
    srv = scripted(SCRIPTED["content-length"], hold=5)
    st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", srv.port,
                               "-u", "/", "-t", "1", *verbose)
    assert b"Timeout HTTP read\n" in out


def test_connection_refused(genhash, ref_genhash):
    port = free_port()
    for v in ([], ["-v"]):
        st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", port, "-u", "/", *v)
        assert out.startswith(b"Connection failed\n")
        st, out, err = assert_same(genhash, ref_genhash, "-S", "-s", "127.0.0.1", "-p", port, "-u", "/", *v)


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
def test_reset_by_server(genhash, ref_genhash, scripted, verbose):
    srv = scripted(reset=True)
    st, out, err = assert_same(genhash, ref_genhash, "-s", "127.0.0.1", "-p", srv.port,
                               "-u", "/", "-t", "2", *verbose)
    assert out.startswith(b"Read error with\n")


def test_tls_handshake_failure(genhash, ref_genhash, nginx):
    """TLS to the plain HTTP port: nginx answers 400 to the ClientHello."""
    st, out, err = assert_same(genhash, ref_genhash, "-S", "-s", "127.0.0.1", "-p", nginx.http,
                               "-u", "/index.html")
    assert out == b"SSL handshake/communication error connecting to\n"


def test_tls_server_silent_is_connect_timeout(genhash, ref_genhash, scripted):
    srv = scripted(silent=True)
    st, out, err = assert_same(genhash, ref_genhash, "-S", "-s", "127.0.0.1", "-p", srv.port,
                               "-u", "/", "-t", "1")
    assert out == b"Timeout connecting\n"


# ---- command line -------------------------------------------------------------------

P = ["-s", "127.0.0.1", "-p", "1", "-u", "/"]
COMMAND_LINES = [
    [], ["-h"], ["-s"], ["-v"], ["-Z"], ["-s", "127.0.0.1"], ["-s", "127.0.0.1", "-u", "/"],
    ["-s", "localhost", "-p", "80", "-u", "/"], ["-s", "1.2.3", "-p", "80", "-u", "/"],
    ["-s", "127.0.0.1", "-p", "0", "-u", "/"], ["-s", "127.0.0.1", "-p", "65536", "-u", "/"],
    ["-s", "127.0.0.1", "-p", "0x50", "-u", "/"], ["-s", "127.0.0.1", "-p", "80x", "-u", "/"],
    P + ["-P", "2.0"], P + ["-t", "abc"], P + ["-t", "-1"], P + ["-t", "1.5"],
    P + ["-m", "abc"], P + ["-m", "-1"], P + ["-Z"], P + ["--foo"], P + ["--use"],
    P + ["extra", "words"], ["extra"] + P, P + ["--", "-x"], P + ["-p"], P + ["-V"],
    P + ["-h"], ["-u", "/", "-s"], P + ["-Sz"], P + ["--verbose=1"],
]


@pytest.mark.parametrize("args", COMMAND_LINES, ids=lambda a: " ".join(a) or "none")
def test_command_line_like_reference(genhash, ref_genhash, args):
    st, out, err = assert_same(genhash, ref_genhash, *args)


def test_command_line_accepted_forms(genhash, ref_genhash):
    port = free_port()     # nobody listens: "Connection failed" once parsing is done
    for args in (["-s127.0.0.1", f"-p{port}", "-u/"],
                 ["--server=127.0.0.1", f"--port={port}", "--url=/", "--verbose"],
                 ["--ser", "127.0.0.1", "-p", f"+{port}", "-u", "/", "-t", "0", "-m", "5"],
                 ["-s", "::1", "-p", str(port), "-u", "/", "-P1.0c", "-I", "-S"]):
        assert_same(genhash, ref_genhash, *args)


# ---- keepalived -T ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def ka_genhash():
    p = os.environ.get("KEEPALIVED_BIN")
    if not p or not os.access(p, os.X_OK):
        pytest.skip("our keepalived not found (KEEPALIVED_BIN)")
    probe = run(p, "-T", "-h")
    if b"--genhash COMMAND" not in probe[2]:
        pytest.skip("this keepalived does not run genhash for -T yet")
    return Path(p)


@pytest.mark.parametrize("args", [["-T"], ["-T", "-h"], ["-T", "-s"], ["-T"] + P[:2],
                                  ["-n", "-T"] + P, ["--genhash"] + P, ["-nT"] + P, ["-TS"] + P,
                                  ["-l", "-D", "--genhash"] + P + ["-v"]],
                         ids=lambda a: " ".join(a))
def test_keepalived_T_like_reference(ka_genhash, args):
    ref = Path(os.environ.get("KEEPALIVED_REF", "/usr/sbin/keepalived"))
    if not ref.is_file():
        pytest.skip("reference keepalived not installed")
    assert_same(ka_genhash, ref, *args)


def test_keepalived_T_digest(ka_genhash, nginx):
    st, out, err = run(ka_genhash, "-T", "-s", "127.0.0.1", "-p", nginx.http, "-u", "/index.html")
    assert out.decode().strip() == md5(FILES["index.html"])
