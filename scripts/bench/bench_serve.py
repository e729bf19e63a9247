"""kws-serve beside the peer Wyoming wake-word server, driven by the same satellites (kws-bench serve).

    python3 scripts/bench/bench_serve.py [--streams 200] [--peer-streams 20] [--seconds 20] [--no-peer] [--fifo]

Writes the test clip (scripts/tests/serve_clips.py: "okay nabu" and "alexa" over noise), runs
`kws-bench serve` against kws-serve (okay_nabu), then installs the peer, wyoming-openwakeword, into
.build/peer-venv (PyPI; numpy<2, which its tflite-runtime build needs), starts it with its
openWakeWord ok_nabu model and runs the same satellites against it. The peer uses another model
(openWakeWord's, not microWakeWord's), so compare CPU per stream and delay, not detections.

--fifo runs the servers and the satellites under SCHED_FIFO (chrt -f 10, root only): on a machine
that other jobs share, their bursts otherwise stall both sides for up to seconds and the delay
figures measure the neighbours, not the server.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "tests"))
import serve_clips  # noqa: E402

PEER = ["wyoming-openwakeword==1.8.2", "numpy<2"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release"))
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--peer-streams", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--fifo", action="store_true", help="run under SCHED_FIFO (chrt -f 10)")
    args = parser.parse_args()
    fifo = ["chrt", "-f", "10"] if args.fifo else []

    clips = Path(tempfile.mkdtemp(prefix="kws-bench-serve-"))
    serve_clips.make(clips)
    bench = fifo + [str(Path(args.bin) / "kws-bench"), "serve", "--clip", str(clips / "wake.wav"), "--seconds", str(args.seconds)]
    print(f"== kws-serve, {args.streams} satellites", flush=True)
    subprocess.run(bench + ["--streams", str(args.streams)], check=True)
    print(f"== kws-serve, {args.peer_streams} satellites", flush=True)
    subprocess.run(bench + ["--streams", str(args.peer_streams), "--fast-clients", "0"], check=True)
    if args.no_peer:
        return

    venv = ROOT / ".build" / "peer-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PEER], check=True)
    port = free_port()
    peer = subprocess.Popen(fifo + [str(python), "-m", "wyoming_openwakeword", "--uri", f"tcp://127.0.0.1:{port}",
                             "--preload-model", "ok_nabu"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or peer.poll() is not None:
                    raise SystemExit("wyoming-openwakeword did not start")
                time.sleep(0.2)
        time.sleep(2)  # its model threads start after the socket
        # The peer closes a connection at audio-stop and drops audio a client sends faster than
        # real time (a fixed buffer per client), so only the real-time figures apply to it.
        print(f"== wyoming-openwakeword ({PEER[0]}), {args.peer_streams} satellites", flush=True)
        subprocess.run(bench + ["--streams", str(args.peer_streams), "--fast-clients", "0", "--model", "ok_nabu",
                                "--connect", f"127.0.0.1:{port}", "--server-pid", str(peer.pid),
                                "--detection-timestamp", "chunk-start"], check=True)
    finally:
        peer.send_signal(signal.SIGTERM)
        try:
            peer.wait(10)
        except subprocess.TimeoutExpired:
            peer.kill()


if __name__ == "__main__":
    main()
