#!/usr/bin/env python3
"""Soak: hours of audio through kws-listen and kws-serve as fast as they take it, watching the
processes' resident memory, open file descriptors and threads (`make soak HOURS=24`):

    python3 scripts/soak.py --hours 24 --bin .build/release --stream .golden/listen_multi/stream.s16le

kws-listen  --wav on a named pipe fed with the stream over and over (a WAV header of unknown
            length, then HOURS of samples) and --fast, with every model in Models/.
kws-serve   clients connecting, streaming a stretch of the stream as fast as the server reads it,
            and leaving, CLIENTS at a time, until HOURS of audio have gone through; each
            connection runs every wake-word model.
Every SAMPLE seconds /proc gives VmRSS, the descriptors and the threads. After the warm-up
(the first WARMUP of the audio) resident memory must not grow by more than 1 MiB (the peak of
the last third against the peak of the first) and the descriptor and thread counts must not grow
(for kws-serve: with no client connected, before the first and after the last). Prints one summary line per process and a JSON object at the end;
exits 1 when a limit is broken or a process fails.
"""
import argparse
import asyncio
import json
import os
import pathlib
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

RATE = 16000
MODELS = ["okay_nabu", "alexa", "hey_jarvis", "hey_mycroft", "micro_speech"]
WAKE_WORDS = ["okay_nabu", "alexa", "hey_jarvis", "hey_mycroft"]
RSS_LIMIT_KB = 1024


class Sampler(threading.Thread):
    """Samples a process's /proc figures with the audio position it has reached."""

    def __init__(self, pid, interval, progress):
        super().__init__(daemon=True)
        self.pid, self.interval, self.progress = pid, interval, progress
        self.samples = []  # (audio fraction, rss KiB, fds, threads)
        self.stopped = threading.Event()

    def read(self):
        try:
            status = pathlib.Path(f"/proc/{self.pid}/status").read_text()
            rss = int(next(l for l in status.splitlines() if l.startswith("VmRSS:")).split()[1])
            threads = int(next(l for l in status.splitlines() if l.startswith("Threads:")).split()[1])
            fds = len(os.listdir(f"/proc/{self.pid}/fd"))
            return rss, fds, threads
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            return None

    def run(self):
        while not self.stopped.wait(self.interval):
            figures = self.read()
            if figures:
                self.samples.append((self.progress(),) + figures)


def verdict(name, samples, warmup, audio_hours, wall, idle=None):
    after = [s for s in samples if s[0] >= warmup]
    if len(after) < 3:
        return {"process": name, "ok": False, "reason": f"only {len(after)} samples after warm-up: run longer"}
    rss = [s[1] for s in after]
    fds = [s[2] for s in after]
    threads = [s[3] for s in after]
    result = {
        "process": name, "audio_hours": round(audio_hours, 3), "wall_seconds": round(wall, 1),
        "samples": len(samples), "rss_kb_after_warmup": [min(rss), max(rss)],
        "fds": [min(fds), max(fds)], "threads": [min(threads), max(threads)],
    }
    # Memory rises and falls with the work in hand (a server's open connections); growth is
    # the highest figure of the last third after warm-up against that of the first third.
    third = max(1, len(rss) // 3)
    growth = max(rss[-third:]) - max(rss[:third])
    result["rss_growth_kb"] = growth
    problems = []
    if growth > RSS_LIMIT_KB:
        problems.append(f"resident memory grew {growth} KiB after warm-up (limit {RSS_LIMIT_KB})")
    if idle:
        # A server's descriptors and threads come and go with its clients: compare them with
        # no client connected, before the first and after the last.
        (fds_before, threads_before), (fds_after, threads_after) = idle
        result["idle_fds"] = [fds_before, fds_after]
        result["idle_threads"] = [threads_before, threads_after]
        if fds_after > fds_before:
            problems.append(f"descriptors with no client grew from {fds_before} to {fds_after}")
        if threads_after > threads_before:
            problems.append(f"threads with no client grew from {threads_before} to {threads_after}")
    else:
        if max(fds) > fds[0]:
            problems.append(f"descriptors grew from {fds[0]} to {max(fds)}")
        if max(threads) > threads[0]:
            problems.append(f"threads grew from {threads[0]} to {max(threads)}")
    result["ok"] = not problems
    if problems:
        result["reason"] = "; ".join(problems)
    return result


def soak_listen(args, raw):
    total_bytes = int(args.hours * 3600 * RATE) * 2
    written = [0]
    folder = tempfile.mkdtemp(prefix="kws-soak-")
    fifo = os.path.join(folder, "stream.wav")
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as out:
            # A WAV header of unknown length: libsndfile reads a pipe to its end.
            out.write(b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVEfmt " +
                      struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16) + b"data" + struct.pack("<I", 0xFFFFFFFF))
            while written[0] < total_bytes:
                chunk = raw[: total_bytes - written[0]]
                out.write(chunk)
                written[0] += len(chunk)

    command = [str(args.bin / "kws-listen"), "--wav", fifo, "--fast", "--json", "--labels", "all"]
    for model in MODELS:
        command += ["--model", model]
    start = time.monotonic()
    detections = open(os.path.join(folder, "detections.jsonl"), "wb")
    process = subprocess.Popen(command, stdout=detections, stderr=subprocess.PIPE)
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    sampler = Sampler(process.pid, args.sample, lambda: written[0] / total_bytes)
    sampler.start()
    _, stderr = process.communicate()
    sampler.stopped.set()
    wall = time.monotonic() - start
    detections.close()
    result = verdict("kws-listen", sampler.samples, args.warmup, written[0] / 2 / RATE / 3600, wall)
    result["detections"] = sum(1 for _ in open(detections.name))
    if process.returncode != 0:
        result.update(ok=False, reason=f"kws-listen exited {process.returncode}: {stderr.decode()[-500:]}")
    return result


async def one_client(port, audio, counts):
    from wyoming.audio import AudioChunk, AudioStart, AudioStop
    from wyoming.client import AsyncTcpClient
    from wyoming.wake import Detect, Detection, NotDetected

    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Detect(names=WAKE_WORDS).event())
        await client.write_event(AudioStart(rate=RATE, width=2, channels=1).event())
        for offset in range(0, len(audio), 3200):
            await client.write_event(AudioChunk(rate=RATE, width=2, channels=1, audio=audio[offset:offset + 3200]).event())
        await client.write_event(AudioStop().event())
        # kws-serve answers audio-stop (not-detected when nothing was heard) and closes the
        # connection, as wyoming-openwakeword does: read until then.
        answered = False
        while (event := await client.read_event()) is not None:
            if Detection.is_type(event.type):
                counts["detections"] += 1
                answered = True
            elif NotDetected.is_type(event.type):
                answered = True
        if not answered:
            raise RuntimeError("the connection closed with neither a detection nor not-detected")
        counts["connections"] += 1


async def clients(args, port, raw, done):
    seconds_per_connection = args.connection_seconds
    piece = raw[: int(seconds_per_connection * RATE) * 2]
    total = int(args.hours * 3600 / seconds_per_connection)
    counts = {"connections": 0, "detections": 0}
    queue = iter(range(total))

    async def worker():
        for _ in queue:
            await one_client(port, piece, counts)
            done[0] += 1 / total

    await asyncio.gather(*(worker() for _ in range(args.clients)))
    return counts


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def soak_serve(args, raw):
    port = free_port()
    command = [str(args.bin / "kws-serve"), "--uri", f"tcp://127.0.0.1:{port}"]
    # Its log (a line per connection) to a file: a pipe nobody reads would fill and stall it.
    log = tempfile.NamedTemporaryFile(prefix="kws-soak-serve-", suffix=".log", delete=False)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                return {"process": "kws-serve", "ok": False, "reason": "kws-serve did not start listening"}
            time.sleep(0.1)
    done = [0.0]
    sampler = Sampler(process.pid, args.sample, lambda: done[0])
    before = sampler.read()[1:]
    sampler.start()
    start = time.monotonic()
    try:
        counts = asyncio.run(clients(args, port, raw, done))
        error = None
    except Exception as exc:  # a client failure ends the soak with the reason
        counts, error = {}, f"client failed: {exc!r}"
    wall = time.monotonic() - start
    sampler.stopped.set()
    time.sleep(1)  # the last connections' closes reach the server
    after = sampler.read()[1:]
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        error = error or "kws-serve did not exit within 30 s of SIGTERM"
    result = verdict("kws-serve", sampler.samples, args.warmup, done[0] * args.hours, wall, idle=(before, after))
    result.update(counts, log=log.name)
    if error or process.returncode != 0:
        result.update(ok=False, reason=error or f"kws-serve exited {process.returncode} on SIGTERM")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=24)
    parser.add_argument("--bin", type=pathlib.Path, default=pathlib.Path(".build/release"))
    parser.add_argument("--stream", type=pathlib.Path, default=pathlib.Path(".golden/listen_multi/stream.s16le"))
    parser.add_argument("--sample", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=0.1, help="fraction of the audio before limits apply")
    parser.add_argument("--clients", type=int, default=16, help="kws-serve connections at a time")
    parser.add_argument("--connection-seconds", type=float, default=10, help="audio per kws-serve connection")
    parser.add_argument("--only", choices=["listen", "serve"])
    args = parser.parse_args()
    raw = args.stream.read_bytes()
    results = []
    if args.only != "serve":
        results.append(soak_listen(args, raw))
        print(f"soak: {json.dumps(results[-1])}", flush=True)
    if args.only != "listen":
        results.append(soak_serve(args, raw))
        print(f"soak: {json.dumps(results[-1])}", flush=True)
    print(json.dumps({"hours": args.hours, "results": results}))
    sys.exit(0 if all(r["ok"] for r in results) else 1)


if __name__ == "__main__":
    main()
