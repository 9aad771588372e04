"""End-to-end tests of the keepalived.conf language through the binary.

Two kinds of test:

  * parity: a table of small configurations (CASES) run with `-t` through
    both our binary and the reference; the exit statuses must be equal.
    As root both run in a namespace where eth0..eth3 exist (conftest.eth_ns),
    so that interface checks do not depend on the host.
    2.2.7's behaviour is computed live, never written down here, so its
    quirks (e.g. `include_check readable` being unknown to 2.2.7) are
    followed without being hard-coded;
  * content: what our `-t -d` prints (the canonical configuration) shows
    that comments, braces, quotes, includes, $VAR, predefined variables,
    @id conditionals and ~SEQ/~SEQx/~LST were understood; and bad input
    gives "FILE:LINE: message" diagnostics and exit status 5.

The dump is matched line by line, ignoring indentation, so these tests
do not depend on the printer's layout beyond "keyword words" per line.
"""

import re
import socket

import pytest

from conftest import diagnostics, write

EXIT_CONFIG_ERROR = 5


def make_files(workdir, files):
    """Write {relative path: text} under workdir ("@DIR@" is replaced by
    workdir); returns the path of the first file (the main config)."""
    first = None
    for rel, text in files.items():
        p = write(workdir / rel, text.replace("@DIR@", str(workdir)))
        first = first or p
    return first


def lines(dump):
    """The dump as a list of lines, each a tuple of words (quotes kept)."""
    return [tuple(ln.split()) for ln in dump.splitlines() if ln.strip()]


def has(dump, *words):
    """True if some line of the dump is exactly these words; a word may be
    printed quoted."""
    want = tuple(words)
    for ln in lines(dump):
        if len(ln) == len(want) and all(a == b or a == f'"{b}"' for a, b in zip(ln, want)):
            return True
    return False


def values(dump, keyword):
    """Arguments of every line starting with keyword."""
    return [ln[1:] for ln in lines(dump) if ln and ln[0] == keyword]


def dump_ok(ka, workdir, files, *args):
    conf = make_files(workdir, files)
    r = ka.dump(conf, *args, cwd=workdir)
    assert r.status == 0, f"exit {r.status}\n{r.stderr}\n{r.stdout}"
    return r.stdout


# ---- parity with 2.2.7 (exit status of -t) ------------------------------------

GD = "global_defs {\n  router_id R1\n}\n"
SCRIPT = 'vrrp_script chk_%s {\n  script "/bin/true"\n}\n'

VI = ("vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 7\n"
      " priority 100\n virtual_ipaddress {\n  192.168.200.50/24\n }\n %s\n}\n")

CASES = {
    "empty": ({"k.conf": ""}, ()),
    "comments": ({"k.conf": "# hash\n! bang\nglobal_defs { # c\n router_id R1 ! c\n}\n"}, ()),
    "brace_next_line": ({"k.conf": "global_defs\n{\n router_id R1\n}\n"}, ()),
    "brace_glued": ({"k.conf": "global_defs{\n router_id R1\n}\n"}, ()),
    "one_line_block": ({"k.conf": "global_defs { router_id R1 }\n"}, ()),
    "quoted_space": ({"k.conf": 'global_defs {\n router_id "a b"\n}\n'}, ()),
    "quoted_hash": ({"k.conf": 'global_defs {\n router_id "a#b"\n}\n'}, ()),
    "include_glob": ({"k.conf": "include conf.d/*.conf\n",
                      "conf.d/a.conf": SCRIPT % "a", "conf.d/b.conf": SCRIPT % "b"}, ()),
    "include_braces": ({"k.conf": "include {x,y}.inc\n",
                        "x.inc": SCRIPT % "x", "y.inc": SCRIPT % "y"}, ()),
    "include_self": ({"k.conf": "include @DIR@/k.conf\n" + GD}, ()),
    "include_in_block": ({"k.conf": "global_defs {\n include inc/gd.inc\n}\n",
                          "inc/gd.inc": "router_id R7\n"}, ()),
    "quoted_brace": ({"k.conf": 'global_defs {\n router_id "{x}"\n}\n'}, ()),
    "include_missing": ({"k.conf": GD + "include /nonexistent/dir/x.conf\n"}, ()),
    "include_missing_e": ({"k.conf": GD + "include /nonexistent/dir/x.conf\n"}, ("-e",)),
    "top_missing": ({"k.conf": GD}, ("-f", "/nonexistent/keepalived.conf")),
    "top_missing_e": ({"k.conf": GD}, ("-e", "-f", "/nonexistent/keepalived.conf")),
    "var_undefined_braces": ({"k.conf": "global_defs {\n router_id ${UNDEF}x\n}\n"}, ()),
    "vars": ({"k.conf": "$R=R9\nglobal_defs {\n router_id $R\n}\n"}, ()),
    "var_multiline": ({"k.conf": "$G= \\\nglobal_defs { \\\n router_id R2 \\\n}\n$G\n"}, ()),
    "seq_lst": ({"k.conf": "global_defs {\n notification_email {\n"
                           "  ~SEQ(N,1,3) u${N}@example.org\n"
                           "  ~SEQx(H,9,1,11) h${H}@example.org\n"
                           "  ~LST({A,B},{1,2},{3,4}) l${A}${B}@example.org\n }\n}\n"}, ()),
    "config_id": ({"k.conf": "global_defs {\n@main router_id M\n@^main router_id N\n}\n"},
                  ("-i", "main")),
    "unknown_keyword": ({"k.conf": "global_defs {\n foo_bar 1\n}\n"}, ()),
    "unknown_block": ({"k.conf": "bogus_block {\n a 1\n b { c }\n}\n" + GD}, ()),
    "missing_close": ({"k.conf": "global_defs {\n router_id a\n"}, ()),
    "extra_close": ({"k.conf": GD + "}\n"}, ()),
    "script_insecure": ({"k.conf": SCRIPT % "s" + VI % "track_script {\n  chk_s\n }"}, ()),
    "script_secure": ({"k.conf": "global_defs {\n enable_script_security\n script_user root\n}\n"
                                 + SCRIPT % "s" + VI % "track_script {\n  chk_s\n }"}, ()),
    "script_unused": ({"k.conf": SCRIPT % "s" + VI % ""}, ()),
    "instance_ok": ({"k.conf": VI % ""}, ()),
    "instance_no_iface": ({"k.conf": VI.replace("eth0", "nosuch9") % ""}, ()),
    "vrid_range": ({"k.conf": "vrrp_instance X {\n state BACKUP\n interface lo\n"
                              " virtual_router_id 300\n priority 100\n"
                              " virtual_ipaddress {\n 10.0.0.1\n }\n}\n"}, ()),
}

for mode in ("", "match", "wildcard_match", "brace_match", "readable"):
    CASES[f"include_check_{mode or 'all'}"] = (
        {"k.conf": f"global_defs {{\n include_check {mode}\n}}\n"
                   "include /nonexistent/*.conf\ninclude @DIR@/{zz,yy}.conf\n"
                   "include @DIR@/nofile.conf\n"}, ())
for variant in ("includer", "includem", "includew", "includeb", "includea"):
    CASES[variant] = ({"k.conf": f"{variant} /nonexistent/*.conf\n"}, ())


@pytest.mark.parametrize("case", sorted(CASES))
def test_status_matches_reference(case, ka, ref, workdir, eth_ns):
    files, args = CASES[case]
    conf = make_files(workdir, files)
    ours = ka.within(eth_ns).run("-t", "-f", conf, *args, cwd=workdir)
    theirs = ref.within(eth_ns).run("-t", "-f", conf, *args, cwd=workdir)
    assert ours.status == theirs.status, (
        f"ours exits {ours.status}, 2.2.7 exits {theirs.status}\n"
        f"--- our stderr:\n{ours.stderr}\n--- 2.2.7 stderr:\n{theirs.stderr}")


# ---- what our parser understood (-t -d) -----------------------------------------

def test_comments_anywhere(ka, workdir):
    d = dump_ok(ka, workdir, {"k.conf": "# top\n! bang\nglobal_defs { # after brace\n"
                              "  router_id R1 # trailing\n  ! indented bang\n"
                              "  notification_email_from a@b ! trailing bang\n}\n"})
    assert has(d, "router_id", "R1")
    assert has(d, "notification_email_from", "a@b")
    assert "trailing" not in d and "bang" not in d and "top" not in d


@pytest.mark.parametrize("text", [
    "global_defs {\n router_id R1\n}\n",
    "global_defs\n{\n router_id R1\n}\n",
    "global_defs{\n router_id R1\n}\n",
    "global_defs { router_id R1 }\n",
    "global_defs {router_id R1}\n",
    "global_defs\n{\nrouter_id R1 }\n",
], ids=["same_line", "next_line", "glued", "one_line", "glued_both", "close_glued"])
def test_brace_placement(ka, workdir, text):
    d = dump_ok(ka, workdir, {"k.conf": text})
    assert has(d, "global_defs", "{")
    assert has(d, "router_id", "R1")


def test_quotes(ka, workdir):
    d = dump_ok(ka, workdir, {"k.conf": 'global_defs {\n router_id "a#b"\n'
                              ' notification_email_from "x!y@z"\n}\n'})
    assert has(d, "router_id", "a#b")
    assert has(d, "notification_email_from", "x!y@z")


def test_quoted_space_round_trips(ka, workdir):
    d = dump_ok(ka, workdir, {"k.conf": 'global_defs {\n router_id "a b"\n}\n'})
    assert re.search(r'router_id\s+"a b"', d), d
    again = ka.dump(write(workdir / "again.conf", d), cwd=workdir)
    assert again.stdout == d


def test_include_glob_braces_relative(ka, workdir):
    d = dump_ok(ka, workdir, {
        "main/k.conf": "include conf.d/*.conf\ninclude {x,y}.inc\ninclude sub/nested.conf\n",
        "main/conf.d/a.conf": SCRIPT % "a",
        "main/conf.d/b.conf": SCRIPT % "b",
        "main/x.inc": SCRIPT % "x",
        "main/y.inc": SCRIPT % "y",
        # relative to the including file's own directory, not to the cwd
        "main/sub/nested.conf": "include deeper.conf\n",
        "main/sub/deeper.conf": SCRIPT % "deep",
    })
    for n in ("a", "b", "x", "y", "deep"):
        assert has(d, "vrrp_script", f"chk_{n}", "{"), f"chk_{n} missing from\n{d}"
    order = [ln[1] for ln in lines(d) if ln[0] == "vrrp_script"]
    assert order == ["chk_a", "chk_b", "chk_x", "chk_y", "chk_deep"]


def test_include_inside_block_and_quoted_braces(ka, workdir):
    d = dump_ok(ka, workdir, {"k.conf": 'global_defs {\n router_id "{x}"\n'
                              " include inc/gd.inc\n}\n",
                              "inc/gd.inc": "notification_email_from a@b\n"})
    assert has(d, "router_id", "{x}")
    assert has(d, "notification_email_from", "a@b")
    again = ka.dump(write(workdir / "again.conf", d), cwd=workdir)
    assert again.stdout == d, again.stderr


def test_include_self_terminates(ka, workdir):
    conf = make_files(workdir, {"k.conf": "include @DIR@/k.conf\n" + GD})
    r = ka.dump(conf, cwd=workdir)
    assert has(r.stdout, "router_id", "R1"), r.stderr


def test_include_missing_is_error_with_e(ka, workdir):
    conf = make_files(workdir, {"k.conf": GD + "include /nonexistent/dir/x.conf\n"})
    assert ka.test(conf, cwd=workdir).status == 0
    assert ka.test(conf, "-e", cwd=workdir).status != 0


def test_define_and_substitute(ka, workdir):
    d = dump_ok(ka, workdir, {"k.conf":
                              "$ID=R\n$BASE=10.2.${SUB}\n$SUB=7\n"
                              "global_defs {\n router_id ${ID}x\n"
                              " notification_email {\n  ${ID}@example.org\n  ${BASE}@example.org\n"
                              "  $ID@example.org\n  $UNDEFINED\n }\n}\n"})
    assert has(d, "router_id", "Rx")
    emails = [ln[0] for ln in lines(d) if ln and ln[0][0] in "R1$"]
    # recursive, at use time; "$NAME" only when followed by a blank (or the
    # end of the line); an undefined parameter stays as written
    assert emails == ["R@example.org", "10.2.7@example.org", "$ID@example.org", "$UNDEFINED"]


def test_multiline_definition(ka, workdir):
    d = dump_ok(ka, workdir, {"k.conf":
                              "$SCR= \\\nvrrp_script chk_${N} { \\\n"
                              "  script \"/bin/true\" \\\n  weight ${N} \\\n}\n"
                              "$N=1\n$SCR\n$N=2\n$SCR\n"})
    assert has(d, "vrrp_script", "chk_1", "{")
    assert has(d, "vrrp_script", "chk_2", "{")
    assert has(d, "weight", "2")


def test_predefined_parameters(ka, workdir):
    d = dump_ok(ka, workdir, {"sub/k.conf":
                              "global_defs {\n router_id ${_INSTANCE}\n"
                              " notification_email_from \"a${_HASH}b${_BANG}c\"\n"
                              " notification_email {\n  ${_PWD}/x\n }\n"
                              " vrrp_garp_master_repeat ${_RANDOM 5 9}\n}\n"},
                "-i", "node7")
    assert has(d, "router_id", "node7")
    assert has(d, "notification_email_from", "a#b!c")
    assert has(d, f"{workdir}/sub/x")
    rnd = values(d, "vrrp_garp_master_repeat")
    assert rnd and 5 <= int(rnd[-1][0]) <= 9, d


@pytest.mark.parametrize("cid, expect", [("main", "M"), ("backup", "B"), ("other", None)])
def test_config_id(ka, workdir, cid, expect):
    d = dump_ok(ka, workdir, {"k.conf":
                              "global_defs {\n@main router_id M\n@backup router_id B\n"
                              " notification_email {\n@^main notmain@example.org\n"
                              "@main main@example.org\n }\n}\n"}, "-i", cid)
    got = values(d, "router_id")
    assert (got[-1][0] if got else None) == expect
    assert has(d, "main@example.org") == (cid == "main")
    assert has(d, "notmain@example.org") == (cid != "main")


def test_config_id_defaults_to_short_hostname(ka, workdir):
    short = socket.gethostname().split(".")[0]
    d = dump_ok(ka, workdir, {"k.conf": f"global_defs {{\n@{short} router_id H\n"
                              " notification_email {\n  ${_INSTANCE}@example.org\n }\n}\n"})
    assert has(d, "router_id", "H")
    assert has(d, f"{short}@example.org")


def test_seq_seqx_lst(ka, workdir):
    d = dump_ok(ka, workdir, {"k.conf":
                              "global_defs {\n notification_email {\n"
                              "  ~SEQ(N,1,3) u${N}@example.org\n"
                              "  ~SEQ(D,3,2,7) d${D}@example.org\n"
                              "  ~SEQx(H,9,1,11) h${H}@example.org\n"
                              "  ~LST({A,B},{1,2},{3,4}) l${A}${B}@example.org\n"
                              "  ~LST(P,x,y) ~SEQ(Q,1,2) n${P}${Q}@example.org\n"
                              " }\n}\n"})
    emails = [ln[0] for ln in lines(d) if ln and ln[0].endswith("@example.org")]
    assert emails == [f"{p}@example.org" for p in
                      ("u1", "u2", "u3", "d3", "d5", "d7", "h9", "ha", "hb",
                       "l12", "l34", "nx1", "nx2", "ny1", "ny2")]


# ---- diagnostics ------------------------------------------------------------

def test_unknown_keyword_file_line(ka, workdir):
    conf = make_files(workdir, {"bad.conf": "global_defs {\n router_id R1\n foo_bar 1\n}\n"})
    r = ka.test(conf, cwd=workdir)
    assert r.status == EXIT_CONFIG_ERROR
    assert ("bad.conf", 3, "Unknown keyword 'foo_bar'") in diagnostics(r.stderr), r.stderr


def test_unknown_block_is_skipped_whole(ka, workdir):
    conf = make_files(workdir, {"bad.conf": "bogus_block {\n  a 1\n  b { c }\n}\n" + GD})
    r = ka.dump(conf, cwd=workdir)
    assert r.status == EXIT_CONFIG_ERROR
    diags = diagnostics(r.stderr)
    assert ("bad.conf", 1, "Unknown keyword 'bogus_block'") in diags, r.stderr
    # one report for the block, none for its contents
    assert [x for x in diags if x[1] in (2, 3)] == [], r.stderr
    assert has(r.stdout, "router_id", "R1")


def test_error_in_included_file_names_it(ka, workdir):
    conf = make_files(workdir, {"k.conf": GD + "include inc/extra.conf\n",
                           "inc/extra.conf": "\n\nvrrp_nonsense 1\n"})
    r = ka.test(conf, cwd=workdir)
    assert r.status == EXIT_CONFIG_ERROR
    assert ("extra.conf", 3, "Unknown keyword 'vrrp_nonsense'") in diagnostics(r.stderr), r.stderr


@pytest.mark.parametrize("text", [
    "global_defs {\n router_id a\n",
    GD + "}\n",
    "vrrp_instance X {\n virtual_router_id 300\n}\n",
], ids=["missing_close", "extra_close", "out_of_range"])
def test_bad_input_exit_5_with_location(ka, workdir, text):
    conf = make_files(workdir, {"bad.conf": text})
    r = ka.test(conf, cwd=workdir)
    assert r.status == EXIT_CONFIG_ERROR, r.stderr
    assert any(f == "bad.conf" for f, _, _ in diagnostics(r.stderr)), r.stderr


def test_every_error_reported_in_one_run(ka, workdir):
    conf = make_files(workdir, {"bad.conf": "global_defs {\n foo1 1\n router_id R\n foo2 2\n}\nfoo3\n"})
    r = ka.test(conf, cwd=workdir)
    assert r.status == EXIT_CONFIG_ERROR
    lines_reported = {ln for f, ln, _ in diagnostics(r.stderr) if f == "bad.conf"}
    assert {2, 4, 6} <= lines_reported, r.stderr
