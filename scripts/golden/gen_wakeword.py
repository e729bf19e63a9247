#!/usr/bin/env python3
"""Golden streaming outputs of the four microWakeWord models (as ESPHome runs them):
    python3 scripts/golden/gen_wakeword.py --shared ../shared --out .golden

The models and their JSON come from PyPI's pymicro-wakeword (alexa, hey_jarvis, hey_mycroft,
okay_nabu). Each is streaming: its state lives in resource variables (VAR_HANDLE /
READ_VARIABLE / ASSIGN_VARIABLE) that a second subgraph initialises through CALL_ONCE on the
first invoke, so the outputs below depend on every earlier invoke.

The input sequence, identical for every model:
  1. features of the speech-commands WAVs in CLIPS, in order, one frontend state for all of
     them (legacy microfrontend with a 10 ms step, scripts/reference/microfrontend.py, int8
     conversion (v * 256 + 333) // 666 - 128), 3 frames per invoke, leftover frames dropped;
  2. RANDOM_INVOKES pseudo-random int8 inputs (numpy seed 7) in mixed ranges: full range,
     near the zero point (quiet), mid-range (speech-like) values.
One tflite-micro interpreter per model runs the whole sequence without reset.

Writes <out>/wakeword/:
  <model>.tflite        copy of the model run (so the Swift test runs the very same bytes)
  inputs.i8             N x 120 int8 model inputs (N invokes, [1, 3, 40] each)
  <model>.outputs.u8    N uint8 outputs of tflite-micro for <model>
  <model>.states.i8     after each invoke, every resource variable of <model> (the value its
                        ASSIGN_VARIABLE stored), in the order of <model>.states.tsv: this checks
                        every streaming layer, not only the (mostly saturated) probability
  <model>.states.tsv    variable shared_name and byte count, in the order stored per invoke
  index.tsv             model, invokes, sum of outputs, count of nonzero outputs
  call_once_bad_index.tflite   alexa with CALL_ONCE's init_subgraph_index set to 5 (no such
                        subgraph): tflite-micro refuses it in prepare (checked here)
  call_once_self.tflite alexa with CALL_ONCE calling subgraph 0, its own (tflite-micro recurses
                        without end; not run here): a runtime must not hang or crash on it
  clips.txt             "feature_invokes N" (the first N inputs come from audio), then the WAVs
                        used, relative to <shared>/data, in order (for end-to-end tests)
"""
import argparse
import pathlib
import struct
import sys
import wave

import numpy as np
import pymicro_wakeword
import tflite
from tflite.VarHandleOptions import VarHandleOptions
from tflite_micro import runtime

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "reference"))
from microfrontend import MICRO_WAKEWORD, LegacyFrontend, to_model_input  # noqa: E402

MODELS = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]
CLIPS = [  # relative to <shared>/data
    "tflm-testdata/silence_1000ms.wav",
    "speech-commands-sample/marvin",
    "speech-commands-sample/sheila",
    "tflm-testdata/yes_1000ms.wav",
    "speech-commands-sample/happy",
    "speech-commands-sample/house",
    "tflm-testdata/noise_1000ms.wav",
    "speech-commands-sample/wow",
    "tflm-testdata/no_1000ms.wav",
]
RANDOM_INVOKES = 96
FRAME_VALUES = 40
FRAMES_PER_INVOKE = 3


def model_dir() -> pathlib.Path:
    return pathlib.Path(pymicro_wakeword.__file__).resolve().parent / "models"


def read_wav(path: pathlib.Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != 16000:
            sys.exit(f"error: {path} is not 16 kHz mono 16-bit PCM")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def clip_paths(shared: pathlib.Path) -> list:
    paths = []
    for entry in CLIPS:
        p = shared / "data" / entry
        if p.is_dir():
            wavs = sorted(p.glob("*.wav"))
            if not wavs:
                sys.exit(f"error: no WAV in {p}")
            paths.append(wavs[0])
        elif p.is_file():
            paths.append(p)
        else:
            sys.exit(f"error: {p} is missing (the shared data folder is incomplete)")
    return paths


def feature_inputs(shared: pathlib.Path, paths: list) -> np.ndarray:
    frontend = LegacyFrontend(MICRO_WAKEWORD)
    frames = []
    for path in paths:
        frames.extend(to_model_input(f) for f in frontend.frames(read_wav(path)))
    usable = len(frames) // FRAMES_PER_INVOKE * FRAMES_PER_INVOKE
    return np.array(frames[:usable], dtype=np.int8).reshape(-1, FRAMES_PER_INVOKE * FRAME_VALUES)


def random_inputs() -> np.ndarray:
    rng = np.random.default_rng(7)
    n = FRAMES_PER_INVOKE * FRAME_VALUES
    rows = []
    for i in range(RANDOM_INVOKES):
        kind = i % 3
        if kind == 0:
            rows.append(rng.integers(-128, 128, n))
        elif kind == 1:
            rows.append(rng.integers(-128, -100, n))
        else:
            rows.append(rng.integers(-80, 20, n))
    return np.array(rows, dtype=np.int8)


CALL_ONCE, VAR_HANDLE, ASSIGN_VARIABLE = 129, 142, 144


def assigned_variables(model_bytes: bytes) -> list:
    """(shared_name, value tensor index, byte count) of each ASSIGN_VARIABLE of subgraph 0."""
    model = tflite.Model.GetRootAsModel(model_bytes, 0)
    graph = model.Subgraphs(0)
    names = {}
    found = []
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = model.OperatorCodes(op.OpcodeIndex())
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        if builtin == VAR_HANDLE:
            table = op.BuiltinOptions()
            options = VarHandleOptions()
            options.Init(table.Bytes, table.Pos)
            names[op.Outputs(0)] = options.SharedName().decode()
        elif builtin == ASSIGN_VARIABLE:
            value = graph.Tensors(op.Inputs(1))
            found.append((names[op.Inputs(0)], op.Inputs(1), int(np.prod(value.ShapeAsNumpy()))))
    return found


def run(model_path: pathlib.Path, inputs: np.ndarray):
    model_bytes = model_path.read_bytes()
    variables = assigned_variables(model_bytes)
    # Preserving every tensor only changes the memory plan, not the arithmetic; it lets the
    # state stored by each ASSIGN_VARIABLE be read back after the invoke.
    interpreter = runtime.Interpreter.from_bytes(
        model_bytes, intrepreter_config=runtime.InterpreterConfig.kPreserveAllTensors)
    outputs = []
    states = []
    for row in inputs:
        interpreter.set_input(row.reshape(1, FRAMES_PER_INVOKE, FRAME_VALUES), 0)
        interpreter.invoke()
        outputs.append(int(interpreter.get_output(0).reshape(-1)[0]))
        for _, tensor, count in variables:
            data = interpreter.GetTensor(tensor, 0)["tensor_data"]
            assert data.dtype == np.int8 and data.size == count
            states.append(data.reshape(-1))
    return np.array(outputs, dtype=np.uint8), np.concatenate(states), variables


def patch_call_once(model_bytes: bytes, index: int) -> bytes:
    """The model with its CALL_ONCE's init_subgraph_index (CallOnceOptions field 0) set to index."""
    model = tflite.Model.GetRootAsModel(model_bytes, 0)
    graph = model.Subgraphs(0)
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = model.OperatorCodes(op.OpcodeIndex())
        if max(code.BuiltinCode(), code.DeprecatedBuiltinCode()) == CALL_ONCE:
            table = op.BuiltinOptions()
            offset = table.Offset(4)  # vtable slot of field 0
            if not offset:
                sys.exit("error: CALL_ONCE stores the default init_subgraph_index; cannot patch it in place")
            patched = bytearray(model_bytes)
            struct.pack_into("<i", patched, table.Pos + offset, index)
            return bytes(patched)
    sys.exit("error: no CALL_ONCE in the model")


def write_patched_models(out: pathlib.Path) -> None:
    source = (model_dir() / "alexa.tflite").read_bytes()
    bad = patch_call_once(source, 5)
    try:
        runtime.Interpreter.from_bytes(bad).invoke()
    except RuntimeError:
        pass
    else:
        sys.exit("error: tflite-micro accepted CALL_ONCE of subgraph 5; the invalid case tests nothing")
    (out / "call_once_bad_index.tflite").write_bytes(bad)
    (out / "call_once_self.tflite").write_bytes(patch_call_once(source, 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", required=True, type=pathlib.Path, help="the shared data folder (../shared)")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="golden root; writes <out>/wakeword/")
    args = parser.parse_args()

    out = args.out / "wakeword"
    out.mkdir(parents=True, exist_ok=True)
    paths = clip_paths(args.shared)
    features = feature_inputs(args.shared, paths)
    inputs = np.concatenate([features, random_inputs()])
    (out / "clips.txt").write_text(f"feature_invokes {len(features)}\n" + "".join(
        f"{p.relative_to(args.shared / 'data')}\n" for p in paths))
    inputs.tofile(out / "inputs.i8")
    lines = []
    for name in MODELS:
        source = model_dir() / f"{name}.tflite"
        (out / f"{name}.tflite").write_bytes(source.read_bytes())
        outputs, states, variables = run(source, inputs)
        outputs.tofile(out / f"{name}.outputs.u8")
        states.tofile(out / f"{name}.states.i8")
        (out / f"{name}.states.tsv").write_text("".join(f"{v}\t{n}\n" for v, _, n in variables))
        nonzero = int(np.count_nonzero(outputs))
        lines.append(f"{name}\t{len(outputs)}\t{int(outputs.sum())}\t{nonzero}")
    write_patched_models(out)
    (out / "index.tsv").write_text("model\tinvokes\toutput_sum\tnonzero\n" + "\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
