"""kws-serve driven by the real `wyoming` client library (pinned in requirements.txt).

    KWS_BIN=.build/release python3 -m unittest scripts/tests/test_serve.py -v

Clips come from serve_clips.py (espeak-ng over seeded noise). The expected detections are what
`kws-eval wake-word` reports for the same file: the server must give exactly those, with the
model's name and the same audio time.
"""

import asyncio
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import wave
from pathlib import Path

from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncClient, AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event, async_read_event, read_event, write_event
from wyoming.info import Describe, Info
from wyoming.ping import Ping, Pong
from wyoming.wake import Detect, Detection, NotDetected

sys.path.insert(0, str(Path(__file__).parent))
import serve_clips  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("KWS_BIN", ROOT / ".build" / "release"))
WAKE_MODELS = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]
CHUNK_SAMPLES = 1024  # what Home Assistant's satellites send
TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_wav(path: Path):
    with wave.open(str(path)) as w:
        return w.getframerate(), w.getsampwidth(), w.getnchannels(), w.readframes(w.getnframes())


def chunks(rate, width, channels, audio, samples=CHUNK_SAMPLES, origin=0):
    """audio-chunk events, timestamped in ms from `origin` as satellites do."""
    step = samples * width * channels
    for offset in range(0, len(audio), step):
        yield AudioChunk(rate=rate, width=width, channels=channels, audio=audio[offset:offset + step],
                         timestamp=origin + offset // (width * channels) * 1000 // rate).event()


class Server:
    """A kws-serve process on a free loopback port; its log kept for the test to read."""

    def __init__(self, *args: str):
        self.port = free_port()
        self.uri = f"tcp://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(BIN / "kws-serve"), "--uri", self.uri, *args], cwd=ROOT,
                                        stderr=self.log)
        # Ready when it says so (a probe connection would take a client slot for a moment).
        deadline = time.monotonic() + TIMEOUT
        while "kws-serve: serving" not in self.log_text():
            if self.process.poll() is not None:
                raise RuntimeError(f"kws-serve exited {self.process.returncode}: {self.log_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError("kws-serve did not start listening")
            time.sleep(0.05)

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(TIMEOUT)
        self.log.close()
        return code


async def stream(uri: str, path: Path, names=None, samples=CHUNK_SAMPLES, origin=0):
    """One satellite: detect, the file's audio, audio-stop. Returns every event the server sent
    before it closed the connection (which it does once audio-stop is answered)."""
    rate, width, channels, audio = read_wav(path)
    async with AsyncClient.from_uri(uri) as client:
        if names is not None:
            await client.write_event(Detect(names=names).event())
        await client.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
        for event in chunks(rate, width, channels, audio, samples, origin):
            await client.write_event(event)
        await client.write_event(AudioStop().event())
        events = []
        while True:
            event = await asyncio.wait_for(client.read_event(), TIMEOUT)
            if event is None:
                return events
            events.append(event)


def detections(events):
    return [(Detection.from_event(e).name, Detection.from_event(e).timestamp) for e in events if Detection.is_type(e.type)]


def host_detections(path: Path, models=WAKE_MODELS):
    """What `kws-eval wake-word` reports for the file, as (model, time_ms), in time order."""
    found = []
    for model in models:
        out = subprocess.run([str(BIN / "kws-eval"), "wake-word", "--model", model, "--json", str(path)],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
        found += [(model, d["time_ms"]) for d in json.loads(out)["detections"]]
    return sorted(found, key=lambda d: (d[1], d[0]))


async def raw_exchange(port: int, data: bytes, close_after: bool = False):
    """Sends raw bytes; returns the events read until the server closes (or None on timeout)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    if close_after:
        writer.close()
        return []
    events = []
    while True:
        event = await asyncio.wait_for(async_read_event(reader), TIMEOUT)
        if event is None:
            writer.close()
            return events
        events.append(event)


class ServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.clips = Path(tempfile.mkdtemp(prefix="kws-serve-test-"))
        serve_clips.make(cls.clips)
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, 60))

    def test_ping_is_answered_with_pong(self):
        async def ping():
            async with AsyncTcpClient("127.0.0.1", self.server.port) as client:
                await client.write_event(Ping(text="hello").event())
                return await asyncio.wait_for(client.read_event(), TIMEOUT)
        self.assertEqual(Pong.from_event(self.run_async(ping())).text, "hello")

    def test_describe_lists_the_wake_models_from_their_manifests(self):
        async def describe():
            async with AsyncTcpClient("127.0.0.1", self.server.port) as client:
                await client.write_event(Describe().event())
                return await asyncio.wait_for(client.read_event(), TIMEOUT)
        info = Info.from_event(self.run_async(describe()))
        self.assertEqual(len(info.wake), 1)
        models = {m.name: m for m in info.wake[0].models}
        self.assertEqual(sorted(models), WAKE_MODELS)
        self.assertEqual(models["okay_nabu"].phrase, "Okay Nabu")
        self.assertTrue(models["okay_nabu"].installed)
        self.assertIn("en", models["okay_nabu"].languages)
        self.assertEqual(models["okay_nabu"].attribution.name, "Kevin Ahrendt")
        self.assertEqual(models["okay_nabu"].version, "2")

    def test_wake_words_after_noise_are_detected_as_the_host_tool_detects_them(self):
        expected = host_detections(self.clips / "wake.wav")
        self.assertEqual([m for m, _ in expected], ["okay_nabu", "alexa"])
        events = self.run_async(stream(self.server.uri, self.clips / "wake.wav"))
        self.assertEqual(detections(events), expected)
        self.assertFalse(any(NotDetected.is_type(e.type) for e in events))

    def test_detect_names_limit_the_models(self):
        events = self.run_async(stream(self.server.uri, self.clips / "wake.wav", names=["alexa"]))
        self.assertEqual(detections(events), host_detections(self.clips / "wake.wav", ["alexa"]))

    def test_timestamps_are_on_the_clients_clock(self):
        events = self.run_async(stream(self.server.uri, self.clips / "wake.wav", origin=1_000_000))
        self.assertEqual(detections(events), [(m, t + 1_000_000) for m, t in host_detections(self.clips / "wake.wav")])

    def test_any_chunk_size_gives_the_same_detections(self):
        events = self.run_async(stream(self.server.uri, self.clips / "wake.wav", samples=77))
        self.assertEqual(detections(events), host_detections(self.clips / "wake.wav"))

    def test_48k_stereo_is_converted_as_the_host_tools_read_the_file(self):
        path = self.clips / "wake_48k_stereo.wav"
        expected = host_detections(path)
        self.assertEqual([m for m, _ in expected], ["okay_nabu", "alexa"])
        self.assertEqual(detections(self.run_async(stream(self.server.uri, path))), expected)

    def test_speech_without_a_wake_word_is_not_detected(self):
        events = self.run_async(stream(self.server.uri, self.clips / "speech.wav"))
        self.assertEqual([e.type for e in events], ["not-detected"])

    def test_sixteen_connections_at_once_each_get_their_own_detections(self):
        async def many():
            return await asyncio.gather(*(stream(self.server.uri, self.clips / ("wake.wav" if i % 2 == 0 else "speech.wav"))
                                          for i in range(16)))
        expected = host_detections(self.clips / "wake.wav")
        for i, events in enumerate(self.run_async(many())):
            if i % 2 == 0:
                self.assertEqual(detections(events), expected)
            else:
                self.assertEqual([e.type for e in events], ["not-detected"])

    def assert_still_serves(self):
        events = self.run_async(stream(self.server.uri, self.clips / "wake.wav", names=["okay_nabu"]))
        self.assertEqual(detections(events), host_detections(self.clips / "wake.wav", ["okay_nabu"]))

    def assert_refused(self, data: bytes, code: str):
        events = self.run_async(raw_exchange(self.server.port, data))
        self.assertEqual([e.type for e in events], ["error"], events)
        self.assertEqual(Error.from_event(events[0]).code, code)
        self.assert_still_serves()

    def test_a_line_that_is_not_json_is_refused(self):
        self.assert_refused(b"hello there\n", "malformed-header")

    def test_a_header_over_one_megabyte_is_refused(self):
        self.assert_refused(b'{"type": "' + b"x" * (1 << 20) + b'"}\n', "header-too-long")

    def test_negative_or_huge_lengths_are_refused(self):
        self.assert_refused(b'{"type": "audio-chunk", "data_length": -5}\n', "bad-length")
        self.assert_refused(b'{"type": "audio-chunk", "payload_length": -1}\n', "bad-length")
        self.assert_refused(b'{"type": "audio-chunk", "payload_length": 2000000}\n', "bad-length")
        self.assert_refused(b'{"type": "audio-chunk", "data_length": 1048577}\n', "bad-length")

    def test_an_unknown_model_is_refused(self):
        data = b"".join(_wire(e) for e in [Detect(names=["okay_nabu", "hey_siri"]).event()])
        self.assert_refused(data, "unknown-model")

    def test_audio_before_audio_start_is_refused(self):
        chunk = AudioChunk(rate=16000, width=2, channels=1, audio=bytes(640)).event()
        self.assert_refused(_wire(chunk), "audio-outside-stream")

    def test_a_client_gone_mid_payload_leaves_the_server_serving(self):
        start = AudioStart(rate=16000, width=2, channels=1).event()
        partial = _wire(AudioChunk(rate=16000, width=2, channels=1, audio=bytes(2048)).event())[:-1000]
        self.run_async(raw_exchange(self.server.port, _wire(start) + partial, close_after=True))
        self.assert_still_serves()
        deadline = time.monotonic() + TIMEOUT
        while "connection closed inside an event" not in self.server.log_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn("connection closed inside an event", self.server.log_text())


    def test_refused_and_cut_connections_leave_no_descriptors_behind(self):
        def descriptors():
            return len(os.listdir(f"/proc/{self.server.process.pid}/fd"))
        self.assert_still_serves()
        before = descriptors()
        partial = _wire(AudioStart(rate=16000, width=2, channels=1).event()) + b'{"type": "audio-chunk", "payload_length": 100}\n'

        async def abuse():
            for _ in range(10):
                await raw_exchange(self.server.port, b"not json\n")
                await raw_exchange(self.server.port, partial, close_after=True)
        self.run_async(abuse())
        deadline = time.monotonic() + TIMEOUT
        while descriptors() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(descriptors(), before)


def _wire(event: Event) -> bytes:
    """The bytes the wyoming package writes for an event."""
    import io
    buffer = io.BytesIO()
    write_event(event, buffer)
    return buffer.getvalue()


class ServerLifecycleTest(unittest.TestCase):
    def test_clients_beyond_max_clients_are_refused_and_served_once_there_is_room(self):
        server = Server("--model", "okay_nabu", "--max-clients", "2")
        try:
            async def scenario():
                held = []
                for _ in range(2):
                    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
                    writer.write(_wire(Describe().event()))
                    self.assertTrue(Info.is_type((await asyncio.wait_for(async_read_event(reader), TIMEOUT)).type))
                    held.append(writer)
                refused = await raw_exchange(server.port, b"")
                for writer in held:
                    writer.close()
                await asyncio.sleep(0.3)
                async with AsyncTcpClient("127.0.0.1", server.port) as client:
                    await client.write_event(Describe().event())
                    answer = await asyncio.wait_for(client.read_event(), TIMEOUT)
                return refused, answer
            refused, answer = asyncio.run(scenario())
            self.assertEqual([Error.from_event(e).code for e in refused], ["too-many-clients"])
            self.assertTrue(Info.is_type(answer.type))
        finally:
            self.assertEqual(server.stop(), 0)

    def test_model_dir_serves_esphome_model_json(self):
        import pymicro_wakeword
        folder = Path(pymicro_wakeword.__file__).parent / "models"
        server = Server("--model-dir", str(folder))
        try:
            async def describe():
                async with AsyncTcpClient("127.0.0.1", server.port) as client:
                    await client.write_event(Describe().event())
                    return await asyncio.wait_for(client.read_event(), TIMEOUT)
            info = Info.from_event(asyncio.run(describe()))
            self.assertEqual(sorted(m.name for m in info.wake[0].models), WAKE_MODELS)
        finally:
            self.assertEqual(server.stop(), 0)

    def test_a_standard_error_nobody_reads_does_not_stall_the_server(self):
        port = free_port()
        read_end, write_end = os.pipe()
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)  # full after a few dozen lines
        process = subprocess.Popen([str(BIN / "kws-serve"), "--uri", f"tcp://127.0.0.1:{port}",
                                    "--model", "okay_nabu", "--debug"], cwd=ROOT, stderr=write_end)
        os.close(write_end)
        log = b""
        try:
            while b"kws-serve: serving" not in log:  # then nobody reads the pipe any more
                chunk = os.read(read_end, 4096)
                self.assertTrue(chunk, f"kws-serve exited before serving: {log.decode()}")
                log += chunk

            async def pings():  # four log lines each, far more than the pipe and the queue hold
                for number in range(800):
                    async with AsyncTcpClient("127.0.0.1", port) as client:
                        await client.write_event(Ping(text=str(number)).event())
                        pong = await asyncio.wait_for(client.read_event(), TIMEOUT)
                        self.assertEqual(Pong.from_event(pong).text, str(number))
            asyncio.run(asyncio.wait_for(pings(), 120))
        finally:
            process.send_signal(signal.SIGTERM)
            with os.fdopen(read_end, "rb") as pipe:
                log += pipe.read()  # until kws-serve exits and closes its end
            self.assertEqual(process.wait(TIMEOUT), 0)
        text = log.decode()
        self.assertRegex(text, r"kws-serve: \d+ log lines dropped: standard error was not read")
        self.assertIn("kws-serve: stopped", text)

    def test_exit_codes_tell_failures_apart(self):
        def exit_code(*args):
            return subprocess.run([str(BIN / "kws-serve"), *args], cwd=ROOT, capture_output=True, timeout=TIMEOUT).returncode
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            self.assertEqual(exit_code("--uri", f"tcp://127.0.0.1:{taken.getsockname()[1]}", "--model", "okay_nabu"), 2)
        self.assertEqual(exit_code("--uri", f"tcp://127.0.0.1:{free_port()}", "--model", "no_such_model"), 3)
        self.assertEqual(exit_code("--uri", f"tcp://127.0.0.1:{free_port()}", "--model", "micro_speech"), 3)
        self.assertEqual(exit_code("--uri", "http://127.0.0.1:80"), 64)

    def test_an_idle_client_is_closed_with_an_error(self):
        server = Server("--model", "okay_nabu", "--idle-timeout", "1")
        try:
            events = asyncio.run(raw_exchange(server.port, b""))
            self.assertEqual([Error.from_event(e).code for e in events], ["idle-timeout"])
        finally:
            server.stop()

    def test_sigterm_drains_an_open_stream_and_exits_zero(self):
        server = Server("--model", "okay_nabu", "--drain-seconds", "2")
        clips = Path(tempfile.mkdtemp(prefix="kws-serve-test-"))
        serve_clips.make(clips)
        rate, width, channels, audio = read_wav(clips / "speech.wav")

        async def scenario():
            async with AsyncTcpClient("127.0.0.1", server.port) as client:
                await client.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
                await asyncio.sleep(0.2)
                server.process.send_signal(signal.SIGTERM)
                await asyncio.sleep(0.3)
                for event in chunks(rate, width, channels, audio):
                    await client.write_event(event)
                await client.write_event(AudioStop().event())
                return await asyncio.wait_for(client.read_event(), TIMEOUT)
        answer = asyncio.run(scenario())
        self.assertTrue(NotDetected.is_type(answer.type), answer)
        self.assertEqual(server.process.wait(TIMEOUT), 0)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()

    def test_unix_socket_and_stdio(self):
        clips = Path(tempfile.mkdtemp(prefix="kws-serve-test-"))
        serve_clips.make(clips)
        expected = host_detections(clips / "wake.wav", ["okay_nabu"])
        path = clips / "kws.sock"
        process = subprocess.Popen([str(BIN / "kws-serve"), "--uri", f"unix://{path}", "--model", "okay_nabu"], cwd=ROOT)
        try:
            deadline = time.monotonic() + TIMEOUT
            while not path.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(detections(asyncio.run(stream(f"unix://{path}", clips / "wake.wav"))), expected)
        finally:
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(TIMEOUT), 0)

        rate, width, channels, audio = read_wav(clips / "wake.wav")
        process = subprocess.Popen([str(BIN / "kws-serve"), "--uri", "stdio://", "--model", "okay_nabu"], cwd=ROOT,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        write_event(AudioStart(rate=rate, width=width, channels=channels).event(), process.stdin)
        for event in chunks(rate, width, channels, audio):
            write_event(event, process.stdin)
        write_event(AudioStop().event(), process.stdin)
        process.stdin.close()
        events = []
        while (event := read_event(process.stdout)) is not None:
            events.append(event)
        process.stdout.close()
        self.assertEqual(detections(events), expected)
        self.assertEqual(process.wait(TIMEOUT), 0)


if __name__ == "__main__":
    unittest.main()
