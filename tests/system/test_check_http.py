"""HTTP_GET and SSL_GET against real servers on loopback.

nginx (Debian's nginx-light) serves plain HTTP and HTTPS (a self-signed
certificate made here with openssl) on several 127.0.0.x addresses, so each
real server of one keepalived has its own address and its own log lines.
A small python3 socket server produces the malformed replies (truncated
header, garbage status line, oversized header, a server that accepts and
never answers).  The checker runs on the host without IPVS (it logs one
IPVS error and goes on); its log lines, in 2.2.7's wording as observed in
the VM with the reference (see src/check/check_http.h), and its USR1 dump
are the oracles:

  per attempt (log_all_failures, checker up):
      "HTTP status code error to server [ip]:tcp:port."
      "MD5 digest error to server ...", "Regex match failed server ...",
      "Connection failed server ...", "Timeout WEB read server ...",
      "Read, no data received from  server ...",
      "SSL handshake/communication error connecting to server ..."
  per url while down:  "HTTP status code success to [ip]:tcp:port url(/p)"
  verdicts:            "Remote Web server [ip]:tcp:port succeed on service."
                       "HTTP_CHECK on service [ip]:tcp:port failed after N retries."

Digests are compared with md5sum of the served file, and for a chunked
response with the reference genhash (2.2.7 hashes the chunk framing).
"""

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import is_root, read_pidfile, wait_for
from procutil import stop_popen

REF_GENHASH = Path("/usr/bin/genhash")
N_ADDRS = 14

FILES = {
    "www/index.html": b"<html><body>hello from nginx</body></html>\n",
    "www/toggle.html": b"toggle page\n",
    "www/ssi/page.html": b"<p>one</p><!--# echo var=\"none\" default=\"two\" --><p>three</p>\n",
    "www2/index.html": b"virtual host two\n",
}

NGINX_CONF = """\
daemon off;
{user}
pid {d}/nginx.pid;
error_log {d}/error.log;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
    default_type text/html;
    gzip off;
    server {{
        {listen_http}
        root {d}/www;
        location = /500 {{ return 500; }}
        location /ssi/ {{ ssi on; }}
    }}
    server {{
        {listen_http}
        server_name vhost.test;
        root {d}/www2;
    }}
    server {{
        {listen_https}
        ssl_certificate {d}/cert.pem;
        ssl_certificate_key {d}/key.pem;
        root {d}/www;
    }}
    server {{
        {listen_mtls}
        ssl_certificate {d}/cert.pem;
        ssl_certificate_key {d}/key.pem;
        ssl_verify_client on;
        ssl_client_certificate {d}/clientca.pem;
        root {d}/www;
    }}
}}
"""


def md5(data):
    return hashlib.md5(data).hexdigest()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def addr(i):
    return f"127.0.0.{i}"


def openssl(*args):
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=60)


def make_certs(d):
    """Server certificate (self-signed), a client CA and a client certificate
    whose key is encrypted with the password "secret"."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d / "key.pem",
            "-out", d / "cert.pem", "-days", "2", "-subj", "/CN=localhost")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d / "clientca.key",
            "-out", d / "clientca.pem", "-days", "2", "-subj", "/CN=client CA")
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes256",
            "-pass", "pass:secret", "-out", d / "client.key")
    openssl("req", "-new", "-key", d / "client.key", "-passin", "pass:secret",
            "-out", d / "client.csr", "-subj", "/CN=checker")
    openssl("x509", "-req", "-in", d / "client.csr", "-CA", d / "clientca.pem",
            "-CAkey", d / "clientca.key", "-CAcreateserial", "-days", "2",
            "-out", d / "client.pem")


class Nginx:
    def __init__(self, directory):
        self.dir = directory
        self.http, self.https = free_port(), free_port()
        for name, data in FILES.items():
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            (directory / name).write_bytes(data)
        (directory / "tmp").mkdir(exist_ok=True)
        self.mtls = free_port()
        make_certs(directory)
        lh = " ".join(f"listen {addr(i)}:{self.http};" for i in range(1, N_ADDRS + 1))
        lh += f" listen [::1]:{self.http};"
        ls = " ".join(f"listen {addr(i)}:{self.https} ssl;" for i in range(1, N_ADDRS + 1))
        lm = f"listen {addr(1)}:{self.mtls} ssl;"
        self.conf = directory / "nginx.conf"
        self.conf.write_text(NGINX_CONF.format(d=directory, listen_http=lh, listen_https=ls,
                                               listen_mtls=lm,
                                               user="user root;" if is_root() else ""))
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen([shutil.which("nginx"), "-c", str(self.conf),
                                      "-p", str(self.dir)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        wait_for(self._listening, timeout=15, what="nginx listening")

    def _listening(self):
        if self.proc.poll() is not None:
            pytest.fail("nginx exited: " + self.proc.stderr.read().decode(errors="replace"))
        for port in (self.http, self.https, self.mtls):
            try:
                socket.create_connection((addr(1), port), timeout=0.5).close()
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


# ---- a server of malformed replies ---------------------------------------------

class BadServer:
    """One listening socket per behaviour; counts the connections it accepts."""

    REPLIES = {
        "truncated": b"HTTP/1.0 200 OK\r\nContent-Le",
        "garbage": b"GARBAGE LINE\r\n\r\nbody",
        "oversized": b"HTTP/1.0 200 OK\r\nX-Pad: " + b"a" * 10000 + b"\r\n\r\nbody",
        "silent": None,
        "stalled": b"HTTP/1.0 200 OK\r\nX: y",
        "closer": b"",                # closes at once, before the request
    }
    HOLD = ("silent", "stalled")     # these keep the connection open

    def __init__(self):
        self.stopping = False
        self.held = []
        self.accepted = {}
        self.ports = {}
        self.threads = []
        for kind in self.REPLIES:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 0))
            s.listen(64)
            s.settimeout(0.2)
            self.ports[kind] = s.getsockname()[1]
            self.accepted[kind] = 0
            t = threading.Thread(target=self._serve, args=(kind, s), daemon=True)
            t.start()
            self.threads.append(t)

    def _serve(self, kind, s):
        reply = self.REPLIES[kind]
        while not self.stopping:
            try:
                c, _ = s.accept()
            except OSError:
                continue
            self.accepted[kind] += 1
            if kind in self.HOLD:       # accepts and never (fully) answers
                if reply:
                    try:
                        c.sendall(reply)
                    except OSError:
                        pass
                self.held.append(c)
                continue
            if not reply:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                c.close()               # linger 0: a reset
                continue
            try:
                c.settimeout(1)
                try:
                    c.recv(4096)
                except OSError:
                    pass
                c.sendall(reply)
            except OSError:
                pass
            c.close()
        s.close()

    def stop(self):
        self.stopping = True
        for t in self.threads:
            t.join(2)
        for c in self.held:
            c.close()


@pytest.fixture
def bad_server():
    b = BadServer()
    yield b
    b.stop()


# ---- helpers ------------------------------------------------------------------

VS_HEAD = """\
virtual_server 10.0.0.1 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
"""


def real_server(ip, port, kind, body, opts="connect_timeout 2\n retry 1\n delay_before_retry 1\n"
                "log_all_failures\n"):
    return f"""
    real_server {ip} {port} {{
        {kind} {{
            {body}
            {opts}
        }}
    }}
"""


def url(path, *lines):
    inner = "\n".join(lines)
    return f"url {{\n path {path}\n {inner}\n }}\n"


def log_lines(d):
    return [re.sub(r"^\w{3} \w{3} +\d+ [\d:]+ \d{4}: ", "", ln)
            for ln in d.log_text().splitlines()]


def label(ip, port):
    return f"[{ip}]:tcp:{port}"


def ok_line(ip, port):
    return f"Remote Web server {label(ip, port)} succeed on service."


def failed_line(ip, port, retries=1):
    return f"HTTP_CHECK on service {label(ip, port)} failed after {retries} retries."


def wait_lines(d, wanted, timeout=15):
    wanted = list(wanted)

    def all_there():
        have = set(log_lines(d))
        return all(w in have for w in wanted)

    try:
        wait_for(all_there, timeout=timeout, what="log lines")
    except Exception:
        have = set(log_lines(d))
        missing = [w for w in wanted if w not in have]
        pytest.fail(f"missing log lines {missing}\n--- log:\n{d.log_text()}")


def checker_pid(d):
    return wait_for(lambda: read_pidfile(d.check_pid), timeout=10, what="checker pid")


def maps_of(pid):
    return Path(f"/proc/{pid}/maps").read_text()


def ref_genhash_digest(*args):
    if not REF_GENHASH.is_file():
        pytest.skip("reference genhash missing (apt-get install keepalived)")
    p = subprocess.run([str(REF_GENHASH), *map(str, args)], capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode().strip()


def is_chunked(ip, port, path):
    with socket.create_connection((ip, port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return b"transfer-encoding: chunked" in data.split(b"\r\n\r\n")[0].lower()


# ---- tests --------------------------------------------------------------------

def test_urls_digest_status_vhost_regex_tls(nginx, daemon):
    """Each real server checks one feature against nginx; the verdicts and
    per-attempt reasons are 2.2.7's lines."""
    h, s = nginx.http, nginx.https
    idx, www2 = md5(FILES["www/index.html"]), md5(FILES["www2/index.html"])
    assert is_chunked(addr(10), h, "/ssi/page.html")
    chunked = ref_genhash_digest("-s", addr(10), "-p", h, "-u", "/ssi/page.html", "-P", "1.1")
    assert chunked != md5(b"<p>one</p>two<p>three</p>\n")    # the framing is hashed
    servers = {
        1: ("HTTP_GET", h, url("/index.html", f"digest {idx}") + url("/nope", "status_code 404")),
        2: ("HTTP_GET", h, url("/index.html", "digest " + "0" * 32)),
        3: ("HTTP_GET", h, url("/nope", "status_code 404")),
        4: ("HTTP_GET", h, url("/500")),
        5: ("HTTP_GET", h, url("/500", "status_code 400-499 500-503")),
        6: ("HTTP_GET", h, url("/index.html", f"digest {www2}", "virtualhost vhost.test")),
        7: ("HTTP_GET", h, url("/index.html", f"digest {www2}")),
        8: ("HTTP_GET", h, url("/index.html", 'regex "hello fr[o]m"')),
        9: ("HTTP_GET", h, url("/index.html", 'regex "HELLO"', "regex_options caseless",
                               "regex_no_match")),
        10: ("HTTP_GET", h, "http_protocol 1.1\n" + url("/ssi/page.html", f"digest {chunked}")),
        11: ("SSL_GET", s, url("/index.html", f"digest {idx}")),
        12: ("SSL_GET", h, url("/index.html")),
        13: ("SSL_GET", s, "enable_sni\n virtualhost localhost\n" + url("/index.html")),
    }
    conf = VS_HEAD + "".join(real_server(addr(i), port, kind, body)
                             for i, (kind, port, body) in servers.items()) + "}\n"
    up = [1, 3, 5, 6, 8, 10, 11, 13]
    down = {2: "MD5 digest error to", 4: "HTTP status code error to",
            7: "MD5 digest error to", 9: "Regex match failed",
            12: "SSL handshake/communication error connecting to"}
    conf = conf[:-2] + real_server("::1", h, "HTTP_GET", url("/index.html", f"digest {idx}"),
                                   "connect_timeout 2\n") + "}\n"
    d = daemon("urls", conf)
    wanted = [ok_line(addr(i), servers[i][1]) for i in up] + [ok_line("::1", h)]
    for i, why in down.items():
        wanted += [f"{why} server {label(addr(i), servers[i][1])}.",
                   failed_line(addr(i), servers[i][1])]
    wait_lines(d, wanted)
    lines = log_lines(d)
    for i in up:
        assert failed_line(addr(i), servers[i][1]) not in lines, d.log_text()
    for i in down:
        assert ok_line(addr(i), servers[i][1]) not in lines, d.log_text()
    assert d.proc.poll() is None


def test_malformed_replies_fail_with_a_reason(bad_server, daemon):
    p = bad_server.ports
    cases = {
        "truncated": "Read, no data received from ",
        "garbage": "HTTP status code error to",
        "oversized": "Read, no data received from ",
        "silent": "Timeout WEB read",
        "stalled": "Timeout HTTP read",
        "closer": None,
    }
    conf = VS_HEAD + "".join(
        real_server("127.0.0.1", p[k], "HTTP_GET", url("/index.html"),
                    "connect_timeout 1\n retry 1\n delay_before_retry 1\n log_all_failures\n")
        for k in cases) + "}\n"
    d = daemon("bad", conf)
    wait_lines(d, [f"{why} server {label('127.0.0.1', p[k])}." for k, why in cases.items()
                   if why] + [failed_line("127.0.0.1", p[k]) for k in cases])
    closer = label("127.0.0.1", p["closer"])
    assert any(re.fullmatch(rf"(Read error with|Connection failed|Read, no data received "
                            rf"from ) server {re.escape(closer)}\.", ln)
               for ln in log_lines(d)), d.log_text()
    # not stuck: every check keeps trying (delay_loop 1 s, timeout 1 s)
    counts = dict(bad_server.accepted)
    wait_for(lambda: all(bad_server.accepted[k] >= counts[k] + 2 for k in cases), timeout=10,
             what="new attempts on every malformed server")
    assert d.proc.poll() is None
    pid = checker_pid(d)
    assert Path(f"/proc/{pid}").exists()


def dump_text(d, tmp_path):
    """USR1 writes keepalived_check.data into $TMPDIR (the daemon's env)."""
    path = Path(os.environ.get("TMPDIR", "/tmp")) / "keepalived_check.data"
    before = path.stat().st_mtime_ns if path.exists() else 0
    d.signal(signal.SIGUSR1)
    wait_for(lambda: path.exists() and path.stat().st_mtime_ns != before and
             path.stat().st_size > 0, timeout=10, what="checker data dump")
    time.sleep(0.2)
    return path.read_text()


def test_down_and_up_follows_timing(tmp_path, daemon):
    """delay_loop 1, retry 2, delay_before_retry 1: the page disappears (404)
    -> three failed attempts 1 s apart, then the verdict; the page comes
    back -> one success per delay_loop until a clean pass, then up; nginx
    stopped -> connection failures; started -> up again."""
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx-light and openssl needed")
    n = Nginx(tmp_path / "ng")
    try:
        ip, port = addr(1), n.http
        lbl = label(ip, port)
        conf = VS_HEAD + real_server(ip, port, "HTTP_GET", url("/toggle.html"),
                                     "connect_timeout 1\n retry 2\n delay_before_retry 1\n"
                                     "log_all_failures\n") + "}\n"
        d = daemon("toggle", conf)
        wait_lines(d, [ok_line(ip, port)])
        page = tmp_path / "ng" / "www" / "toggle.html"
        page.unlink()
        t0 = time.monotonic()
        wait_lines(d, [failed_line(ip, port, 2)])
        took = time.monotonic() - t0
        lines = log_lines(d)
        errs = [ln for ln in lines if ln == f"HTTP status code error to server {lbl}."]
        assert len(errs) == 3, d.log_text()
        assert 1.8 <= took <= 6, took      # two delay_before_retry of 1 s
        assert lines.index(failed_line(ip, port, 2)) > max(i for i, ln in enumerate(lines)
                                                           if ln in errs)
        dump = dump_text(d, tmp_path)
        assert re.search(rf"HTTP_GET \[{re.escape(ip)}\]:{port} up = no", dump), dump
        assert "url /toggle.html" in dump

        page.write_bytes(FILES["www/toggle.html"])
        t0 = time.monotonic()
        succ = f"HTTP status code success to {lbl} url(/toggle.html)"
        wait_lines(d, [succ])
        wait_for(lambda: log_lines(d).count(ok_line(ip, port)) == 2, timeout=10,
                 what="back up")
        took = time.monotonic() - t0
        lines = log_lines(d)
        assert lines.count(succ) == 2, d.log_text()   # two passes, delay_loop apart
        assert took >= 0.9, took
        assert f"Adding service {lbl} to VS [10.0.0.1]:tcp:80" in lines

        n.stop()
        wait_lines(d, [f"Connection failed server {lbl}."])
        wait_for(lambda: log_lines(d).count(failed_line(ip, port, 2)) == 2, timeout=10,
                 what="down after nginx stopped")
        n.start()
        wait_for(lambda: log_lines(d).count(ok_line(ip, port)) == 3, timeout=10,
                 what="up after nginx started")
        assert d.proc.poll() is None
    finally:
        n.stop()


def test_no_tls_library_unless_ssl_get(nginx, daemon, keepalived_bin):
    """keepalived links no libssl/libcrypto; HTTP_GET never loads libssl
    (nor libcrypto without a digest); SSL_GET loads it in the checker."""
    ldd = subprocess.run(["ldd", str(keepalived_bin)], capture_output=True, text=True).stdout
    for lib in ("libssl", "libcrypto", "libevent_openssl", "libpcre2"):
        assert lib not in ldd, ldd
    h, s = nginx.http, nginx.https
    plain = VS_HEAD + real_server(addr(1), h, "HTTP_GET", url("/index.html")) + "}\n"
    d = daemon("plain", plain)
    wait_lines(d, [ok_line(addr(1), h)])
    maps = maps_of(checker_pid(d))
    assert "libssl" not in maps and "libcrypto" not in maps, maps

    digest = VS_HEAD + real_server(addr(2), h, "HTTP_GET",
                                   url("/index.html", f"digest {md5(FILES['www/index.html'])}"))
    d2 = daemon("digest", digest + "}\n")
    wait_lines(d2, [ok_line(addr(2), h)])
    maps = maps_of(checker_pid(d2))
    assert "libssl" not in maps and "libcrypto" in maps

    tls = VS_HEAD + real_server(addr(3), s, "SSL_GET", url("/index.html")) + "}\n"
    d3 = daemon("tls", tls)
    wait_lines(d3, [ok_line(addr(3), s)])
    maps = maps_of(checker_pid(d3))
    assert "libssl" in maps and "libevent_openssl" in maps
    assert "libssl" not in maps_of(d3.main_pid())


@pytest.mark.parametrize("case", ["client_cert", "no_ssl_block", "wrong_password",
                                  "no_password"])
def test_ssl_block_client_certificate(nginx, daemon, case):
    """The root SSL {} block: certificate, key (encrypted) and password give
    the client certificate nginx requires; ca is loaded (2.2.7 does not
    verify the server with it)."""
    d = nginx.dir
    ip, port = addr(1), nginx.mtls
    ssl = {
        "client_cert": f"SSL {{\n ca {d}/cert.pem\n certificate {d}/client.pem\n"
                       f" key {d}/client.key\n password secret\n}}\n",
        "no_ssl_block": "",
        "wrong_password": f"SSL {{\n certificate {d}/client.pem\n key {d}/client.key\n"
                          f" password wrong\n}}\n",
        "no_password": f"SSL {{\n certificate {d}/client.pem\n key {d}/client.key\n}}\n",
    }[case]
    conf = ssl + VS_HEAD + real_server(ip, port, "SSL_GET", url("/index.html")) + "}\n"
    k = daemon("mtls", conf)
    if case == "client_cert":
        wait_lines(k, [ok_line(ip, port)])
    elif case == "no_ssl_block":     # nginx answers 400 without a client certificate
        wait_lines(k, [f"HTTP status code error to server {label(ip, port)}.",
                       failed_line(ip, port)])
    else:
        wait_lines(k, [f"SSL handshake/communication error connecting to server "
                       f"{label(ip, port)}.", failed_line(ip, port)])
        assert any("TLS setup failed" in ln and "client.key" in ln for ln in log_lines(k))


def first_seen(d, texts, timeout=15):
    """Time each of texts first appears in the log (polled every 20 ms)."""
    seen = {}

    def all_seen():
        lines = set(log_lines(d))
        now = time.monotonic()
        for t in texts:
            if t in lines and t not in seen:
                seen[t] = now
        return len(seen) == len(texts)

    wait_for(all_seen, timeout=timeout, interval=0.02, what="log lines")
    return [seen[t] for t in texts]


def test_alpha_urls_one_per_delay_loop_unless_fast_recovery(nginx, daemon):
    """A checker that starts failed (alpha) checks one url per delay_loop and
    logs each success; fast_recovery checks them back to back."""
    h = nginx.http
    two = url("/index.html") + url("/nope", "status_code 404", "regex \"Not Found\"")
    opts = "alpha\n connect_timeout 2\n retry 1\n delay_before_retry 1\n"
    conf = (VS_HEAD + real_server(addr(1), h, "HTTP_GET", two, opts) +
            real_server(addr(2), h, "HTTP_GET", two, opts + "fast_recovery\n") + "}\n")
    d = daemon("alpha", conf)
    texts = []
    for i in (1, 2):
        lbl = label(addr(i), h)
        texts += [f"HTTP status code success to {lbl} url(/index.html)",
                  f"Regex match success to {lbl} url(/nope)", ok_line(addr(i), h)]
    t = first_seen(d, texts)
    slow, fast = t[:3], t[3:]
    assert slow[2] - slow[0] >= 0.8, slow          # one url per delay_loop (1 s)
    assert fast[2] - fast[0] < 0.8, fast           # back to back
    lines = log_lines(d)
    assert lines.index(ok_line(addr(2), h)) < lines.index(ok_line(addr(1), h)), d.log_text()
    assert f"Adding service {label(addr(1), h)} to VS [10.0.0.1]:tcp:80" in lines


def test_second_url_fails_and_recovers_like_the_reference(nginx, daemon):
    """Two urls, one per delay_loop; the second disappears: it fails, is
    retried, the checker fails; when it comes back the order of the success
    lines is the reference's (the failed url, then a whole pass).  retry 0
    gives "failed." without a count."""
    h = nginx.http
    page = nginx.dir / "www" / "toggle.html"
    lbl = label(addr(1), h)
    conf = (VS_HEAD + real_server(addr(1), h, "HTTP_GET",
                                  url("/index.html") + url("/toggle.html"),
                                  "connect_timeout 2\n retry 1\n delay_before_retry 1\n"
                                  "log_all_failures\n") +
            real_server(addr(2), h, "HTTP_GET", url("/nope"), "retry 0\n") + "}\n")
    d = daemon("second", conf)
    try:
        wait_lines(d, [ok_line(addr(1), h),
                       f"HTTP_CHECK on service {label(addr(2), h)} failed."])
        page.unlink()
        wait_lines(d, [failed_line(addr(1), h)])
        page.write_bytes(FILES["www/toggle.html"])
        wait_for(lambda: log_lines(d).count(ok_line(addr(1), h)) == 2, timeout=15,
                 what="back up")
        lines = log_lines(d)
        assert lines.count(f"HTTP status code error to server {lbl}.") == 2, d.log_text()
        after = lines[lines.index(failed_line(addr(1), h)):]
        succ = [ln for ln in after if ln.startswith("HTTP status code success")]
        assert succ == [f"HTTP status code success to {lbl} url(/toggle.html)",
                        f"HTTP status code success to {lbl} url(/index.html)",
                        f"HTTP status code success to {lbl} url(/toggle.html)"], d.log_text()
    finally:
        page.write_bytes(FILES["www/toggle.html"])
