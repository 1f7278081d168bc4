"""SpamAssassin 4 with local rules only, as the eval's baseline: spamd --local (no
network tests), Bayes and auto-learning off, user configs off, 2 children; messages fed
with spamc from 2 threads. Prints nothing; returns {sha256: score}."""

import concurrent.futures
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

LOCAL_CF = """use_bayes 0
bayes_auto_learn 0
use_auto_whitelist 0
skip_rbl_checks 1
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workdir):
    # spamd drops to `nobody`, who must read the configuration.
    os.chmod(workdir, 0o755)
    conf = os.path.join(workdir, "sa-conf")
    os.makedirs(conf, exist_ok=True)
    for pre in glob.glob("/etc/spamassassin/*.pre"):
        shutil.copy(pre, conf)
    with open(os.path.join(conf, "local.cf"), "w") as f:
        f.write(LOCAL_CF)
    for name in os.listdir(conf):
        os.chmod(os.path.join(conf, name), 0o644)
    port = free_port()
    cmd = ["spamd", "--local", "--siteconfigpath", conf, "--nouser-config",
           "--max-children", "2", "--min-children", "2", "--listen", f"127.0.0.1:{port}",
           "--allowed-ips", "127.0.0.1", "-u", "nobody", "-x"]
    log = open(os.path.join(workdir, "spamd.log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"spamd exited; see {workdir}/spamd.log")
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("spamd did not start")


def score_one(port, data):
    r = subprocess.run(["spamc", "-d", "127.0.0.1", "-p", str(port), "-c", "-s", "20000000",
                        "-x"], input=data, capture_output=True)
    out = r.stdout.decode(errors="replace").strip()
    try:
        return float(out.split("/")[0])
    except ValueError:
        return None


def score(messages):
    """messages: list of (sha256, bytes). Returns ({sha256: score or None}, seconds)."""
    if shutil.which("spamd") is None:
        return None, 0.0
    workdir = tempfile.mkdtemp(prefix="mailsweep-eval-sa-")
    proc, port = start(workdir)
    t0 = time.time()
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            scores = list(pool.map(lambda m: score_one(port, m[1]), messages))
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    return {sha: s for (sha, _), s in zip(messages, scores)}, time.time() - t0
