"""TCP_CHECK and HTTP_GET against real loopback servers: verdicts, how
the checker closes its connections, and late completions.

- TCP_CHECK: a listening server keeps its real server up; closing the
  listener takes it down ("TCP_CHECK on service X failed.", 2.2.7's
  wording) and reopening it brings it back ("TCP connection to X
  success.").  The check closes its connection cleanly, as 2.2.7 does:
  the server reads an end of file, never a reset.
- HTTP_GET: the checker is stopped (SIGSTOP) for longer than
  connect_timeout while requests are in flight and the servers answer;
  when it resumes, the answers and the expired timers come in the same
  loop pass.  The answers count: no real server may fail.  Before the fix
  in src/http/http_fetch.c every check in flight was a timeout.

The host has no IPVS (the checker logs that once and goes on); the
oracle is the log.  Every wait polls with a deadline.
"""

import socket
import subprocess
import threading
import time

import pytest

from checker_watch import CheckerWatch
from procutil import wait_for


class Lab(CheckerWatch):
    def __init__(self, tmp_path, conf):
        self.start_keepalived(tmp_path / "ka", conf)

    def log(self):
        return self.d.log()

    def stop(self):
        self.d.stop()
        self.d.cleanup()


@pytest.fixture
def labs(tmp_path):
    made = []

    def make(conf):
        lab = Lab(tmp_path, conf)
        made.append(lab)
        return lab
    yield make
    for lab in made:
        lab.stop()


class Listener:
    """A TCP server on 127.0.0.1:port that records how each connection
    ended for it: "eof", "reset" or "data"."""

    def __init__(self, port=0):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.ends = []
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            try:
                c, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            c.settimeout(2)
            try:
                self.ends.append("data" if c.recv(100) else "eof")
            except ConnectionResetError:
                self.ends.append("reset")
            except OSError:
                self.ends.append("error")
            c.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


TCP_CONF = """
virtual_server 10.0.0.1 80 {{
    delay_loop 1
    lb_algo rr
    protocol TCP
    real_server 127.0.0.1 {port} {{
        TCP_CHECK {{
            connect_timeout 2
            retry 0
        }}
    }}
}}
"""


def test_tcp_check_verdicts_and_clean_close(labs):
    lis = Listener()
    port = lis.port
    label = f"[127.0.0.1]:tcp:{port}"
    try:
        lab = labs(TCP_CONF.format(port=port))
        wait_for(lambda: len(lis.ends) >= 3, 8, what="three checks")
        assert set(lis.ends) == {"eof"}, lis.ends
    finally:
        lis.close()
    lab.expect(f"TCP_CHECK on service {label} failed.")
    lis = Listener(port)
    try:
        lab.expect(f"TCP connection to {label} success.")
    finally:
        lis.close()
    assert "failed" not in lab.log()[lab.pos:]


class SlowHttp:
    """HTTP servers on 127.0.0.N:port (N = 1..n), one thread per
    connection: read the request, wait `delay`, answer 200, close."""

    def __init__(self, n, delay):
        self.delay = delay
        self.socks = []
        port = 0
        for i in range(1, n + 1):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((f"127.0.0.{i}", port))
            port = s.getsockname()[1]
            s.listen(64)
            s.settimeout(0.2)
            self.socks.append(s)
        self.port = port
        self.running = True
        self.threads = [threading.Thread(target=self.serve, args=(s,), daemon=True)
                        for s in self.socks]
        for t in self.threads:
            t.start()

    def serve(self, s):
        while self.running:
            try:
                c, _ = s.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self.answer, args=(c,), daemon=True).start()

    def answer(self, c):
        try:
            c.settimeout(5)
            c.recv(4096)
            time.sleep(self.delay)
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        except OSError:
            pass
        c.close()

    def close(self):
        self.running = False
        for t in self.threads:
            t.join()
        for s in self.socks:
            s.close()


def http_conf(n, port):
    rs = "".join(f"""
    real_server 127.0.0.{i} {port} {{
        HTTP_GET {{
            url {{
                path /
                status_code 200
            }}
            connect_timeout 1
            retry 0
        }}
    }}""" for i in range(1, n + 1))
    return f"""
virtual_server 10.0.0.1 80 {{
    delay_loop 1
    lb_algo rr
    protocol TCP{rs}
}}
"""


def test_http_answers_in_the_timeout_pass_count(labs):
    n = 12
    srv = SlowHttp(n, 0.3)
    try:
        lab = labs(http_conf(n, srv.port))
        time.sleep(2.5)                    # every server checked once or twice
        assert "failed" not in lab.log()
        pid = wait_for(lab.d.check_pid, 5, what="checker pid")
        for _ in range(3):
            # requests are in flight ~25 % of the time: about 3 of 12 each time
            time.sleep(0.4)
            subprocess.run(["kill", "-STOP", str(pid)], check=True)
            time.sleep(1.8)                # > connect_timeout: their timers expire
            subprocess.run(["kill", "-CONT", str(pid)], check=True)
        time.sleep(1.5)
        log = lab.log()
        assert "failed" not in log and "Timeout" not in log, log[-2000:]
    finally:
        srv.close()
