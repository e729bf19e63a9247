#!/usr/bin/env python3
"""The firmware's build-time configuration, from a model manifest and its model.

Usage: configure.py --manifest Models/okay_nabu.json --shared ../shared --out DIR [--kernels Sources/TFMicro/Kernels]

The manifest is the project's (Models/*.json) or a microWakeWord / ESPHome model JSON
(`"type": "micro"`), read as the host's ModelLocator reads it (MicroWakeWordModelJSON.swift).
Writes into DIR:
  config.mk                  make variables: the model file, its kind (-D WAKE_WORD), its name, the
                             audio periods before its first invocation (for `make icount`)
  ModelConfiguration.swift   the firmware's settings (name, labels, feature conversion, input
                             frames, recognizer or wake-word detector settings, the frontend's
                             settings) and `ModelResolver`, which registers the kernels the model
                             uses and no others (int8-only registrations where every use is int8;
                             on the Cortex-M4, the dual-MAC registrations where every use is a layer
                             they take)
  FrontendSettings.swift     the frontend's settings alone, for Tools/frontend-tables.swift
  model_config.h             the recognizer's storage in bytes (0 for a wake-word model)
  manifest.json              the manifest as read (a model JSON in the project's form), for the tests
A model that uses an operator TFMicro has no kernel for is an error naming it.
"""
import argparse
import json
import pathlib
import sys

import tflite

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts" / "reference"))
from wake_word_detector import cutoff_u8  # noqa: E402

# Builtin operator code -> the TFMicro kernel type that implements it.
KERNELS = {
    2: "Concatenation", 3: "Conv2D", 4: "DepthwiseConv2D", 6: "Dequantize", 9: "FullyConnected",
    14: "Logistic", 22: "Reshape", 25: "Softmax", 45: "StridedSlice", 102: "SplitV", 114: "Quantize",
    129: "CallOnce", 142: "VarHandle", 143: "ReadVariable", 144: "AssignVariable",
}
INT8 = tflite.TensorType.INT8
# The output types a kernel's int8-only registration takes besides int8 (its input is int8):
# QUANTIZE's requantizes int8 to uint8 too (a microWakeWord model's last op).
INT8_REGISTRATION_OUTPUTS = {114: {tflite.TensorType.UINT8}}
# The firmware's audio (Sources/StaticMemory.swift, Makefile `run`).
AUDIO_SAMPLE_RATE = 16000
# CommandRecognizer.storageBytes(labelCount:): 50 held results of an Int64 time and one score per label.
RECOGNIZER_RESULTS = 50


def fail(message):
    sys.exit(f"configure: error: {message}")


def from_model_json(model_json, path):
    """The project's manifest for a microWakeWord model JSON: microWakeWord's frontend (micro_speech's
    settings, 10 ms step unless `feature_step_size` says otherwise), int8 conversion and 3 frames
    per invoke, the `micro` block's detector settings, the file's name as the only label."""
    if model_json.get("type") != "micro":
        fail(f"{path}: model type {model_json.get('type')!r} is not supported: only microWakeWord models (\"type\": \"micro\")")
    micro = model_json.get("micro") or fail(f"{path}: no \"micro\" block with the detection settings")
    name = path.stem
    return {
        "name": name,
        "file": pathlib.PurePosixPath(model_json["model"]).name,
        "labels": [name],
        "frontend": {
            "sample_rate": 16000, "window_ms": 30, "step_ms": int(micro.get("feature_step_size", 10)), "channels": 40,
            "lower_band_hz": 125.0, "upper_band_hz": 7500.0,
            "noise_reduction": {"smoothing_bits": 10, "even_smoothing": 0.025, "odd_smoothing": 0.06,
                                "min_signal_remaining": 0.05},
            "pcan_gain_control": {"enabled": True, "strength": 0.95, "offset": 80.0, "gain_bits": 21},
            "log_scale": {"enabled": True, "scale_shift": 6},
        },
        "input": {"frames": 3, "conversion": {"multiplier": 256, "divisor": 666, "offset": -128}},
        "wake_word": {"phrase": model_json.get("wake_word", name), "probability_cutoff": micro["probability_cutoff"],
                      "sliding_window_size": micro["sliding_window_size"], "ignore_invocations_after_reset": 74},
    }


def model_path(manifest_path, manifest, shared):
    """The manifest's model: its `file` beside the manifest, else `source.shared_path` in shared."""
    local = manifest_path.parent / manifest["file"]
    if local.is_file():
        return local
    shared_path = manifest.get("source", {}).get("shared_path")
    if shared_path and (shared / "models" / shared_path.removeprefix("models/")).is_file():
        return shared / "models" / shared_path.removeprefix("models/")
    fail(f"{local} is missing (run `make models`)")


def is_constant(model, tensor):
    buffer = model.Buffers(tensor.Buffer())
    return buffer is not None and (buffer.DataLength() > 0 or buffer.Size() > 0)


def depthwise_takes_dual_mac(model, graph, op):
    """DepthwiseConv2D.dualMACTakes: one input channel, an even depth, eight filter columns
    without dilation, rows of at least eight inputs (an int8 zero point always fits), and a
    constant filter."""
    options = tflite.DepthwiseConv2DOptions()
    table = op.BuiltinOptions()
    if table is None:
        return False
    options.Init(table.Bytes, table.Pos)
    tensor_input, tensor_filter = graph.Tensors(op.Inputs(0)), graph.Tensors(op.Inputs(1))
    input_shape, filter_shape = list(tensor_input.ShapeAsNumpy()), list(tensor_filter.ShapeAsNumpy())
    return (len(input_shape) == 4 and len(filter_shape) == 4 and input_shape[3] == 1 and input_shape[2] >= 8
            and filter_shape[2] == 8 and filter_shape[3] % 2 == 0 and options.DilationWFactor() == 1
            and is_constant(model, tensor_filter))


def fully_connected_takes_dual_mac(model, graph, op):
    """FullyConnected.dualMACTakes: weights without a zero point in rows of whole groups of
    four, constant, as the bias (if any) is."""
    weights = graph.Tensors(op.Inputs(1))
    shape = list(weights.ShapeAsNumpy())
    quantization = weights.Quantization()
    zero_point = quantization.ZeroPoint(0) if quantization and quantization.ZeroPointLength() else 0
    bias = op.Inputs(2) if op.InputsLength() > 2 and op.Inputs(2) >= 0 else None
    return (len(shape) == 2 and shape[1] % 4 == 0 and zero_point == 0 and is_constant(model, weights)
            and (bias is None or is_constant(model, graph.Tensors(bias))))


# Operators with a dual-MAC registration (`dualMACInt8Registration`, for processors with the DSP
# extension) and whether one use is a layer it takes, as its prepare decides (`dualMACTakes`);
# that prepare refuses any other layer, so a wrong choice here fails the build's setup image.
DUAL_MAC = {4: depthwise_takes_dual_mac, 9: fully_connected_takes_dual_mac}


def operators(model_bytes):
    """{builtin code: (whether every use has an int8 first input and outputs its int8-only
    registration takes (int8, and those of INT8_REGISTRATION_OUTPUTS), whether every use is a
    layer its dual-MAC registration takes)}, over all subgraphs."""
    model = tflite.Model.GetRootAsModel(model_bytes, 0)
    found = {}
    for s in range(model.SubgraphsLength()):
        graph = model.Subgraphs(s)
        for i in range(graph.OperatorsLength()):
            op = graph.Operators(i)
            code = model.OperatorCodes(op.OpcodeIndex())
            if code.CustomCode():
                fail(f"operator {i} of subgraph {s} is the custom op {code.CustomCode().decode()}; TFMicro runs builtin ops only")
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            inputs = [op.Inputs(j) for j in range(op.InputsLength()) if op.Inputs(j) >= 0]
            first = [graph.Tensors(t).Type() for t in inputs[:1]]
            outputs = [graph.Tensors(op.Outputs(j)).Type() for j in range(op.OutputsLength())]
            taken = {INT8} | INT8_REGISTRATION_OUTPUTS.get(builtin, set())
            int8 = first == [INT8] and all(t in taken for t in outputs)
            dual_mac = int8 and builtin in DUAL_MAC and DUAL_MAC[builtin](model, graph, op)
            was_int8, was_dual_mac = found.get(builtin, (True, True))
            found[builtin] = (was_int8 and int8, was_dual_mac and dual_mac)
    return found


def registration(code, int8, dual_mac, kernels):
    """The `case` of ModelResolver for the builtin code: the dual-MAC registration on processors
    with the DSP extension (CORTEX_M_DSP) where every use takes it, else the int8-only one where
    every use is int8, else the full one."""
    if code not in KERNELS:
        fail(f"the model uses builtin op {code}, for which TFMicro has no kernel")
    kernel = KERNELS[code]
    source = (kernels / f"{kernel}.swift").read_text()
    name = f"{kernel}.int8Registration" if int8 and "static var int8Registration" in source else f"{kernel}.registration"
    dual_source = kernels / f"{kernel}+DualMAC.swift"
    if dual_mac and dual_source.is_file() and "static var dualMACInt8Registration" in dual_source.read_text():
        return (f"        #if CORTEX_M_DSP\n        case {code}: {kernel}.dualMACInt8Registration\n"
                f"        #else\n        case {code}: {name}\n        #endif")
    return f"        case {code}: {name}"


def swift_float(value):
    text = repr(float(value))
    return text if "e" in text or "." in text else text + ".0"


def frontend_body(f, indent):
    nr, pcan, log = f["noise_reduction"], f["pcan_gain_control"], f["log_scale"]
    lines = [
        "var config = FrontendConfig()",
        f"config.sampleRate = {int(f['sample_rate'])}",
        f"config.windowMilliseconds = {int(f['window_ms'])}",
        f"config.stepMilliseconds = {int(f['step_ms'])}",
        f"config.channelCount = {int(f['channels'])}",
        f"config.lowerBandLimit = {swift_float(f['lower_band_hz'])}",
        f"config.upperBandLimit = {swift_float(f['upper_band_hz'])}",
        f"config.noiseReduction.smoothingBits = {int(nr['smoothing_bits'])}",
        f"config.noiseReduction.evenSmoothing = {swift_float(nr['even_smoothing'])}",
        f"config.noiseReduction.oddSmoothing = {swift_float(nr['odd_smoothing'])}",
        f"config.noiseReduction.minSignalRemaining = {swift_float(nr['min_signal_remaining'])}",
        f"config.pcan.isEnabled = {'true' if pcan['enabled'] else 'false'}",
        f"config.pcan.strength = {swift_float(pcan['strength'])}",
        f"config.pcan.offset = {swift_float(pcan['offset'])}",
        f"config.pcan.gainBits = {int(pcan['gain_bits'])}",
        f"config.logScale.isEnabled = {'true' if log['enabled'] else 'false'}",
        f"config.logScale.scaleShift = {int(log['scale_shift'])}",
        "return config",
    ]
    return "\n".join(" " * indent + line for line in lines)


def write(path, text):
    """Writes `text` unless the file holds it already, so that what depends on it is not rebuilt."""
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", required=True, type=pathlib.Path)
    parser.add_argument("--shared", required=True, type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--kernels", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parents[2] / "Sources" / "TFMicro" / "Kernels",
                        help="TFMicro's kernel sources (which registrations exist)")
    args = parser.parse_args()

    manifest = json.loads(args.manifest.read_text())
    if "type" in manifest:
        manifest = from_model_json(manifest, args.manifest)
    if int(manifest["frontend"]["sample_rate"]) != AUDIO_SAMPLE_RATE:
        fail(f"{args.manifest} wants {manifest['frontend']['sample_rate']} Hz audio; the firmware's audio is "
             f"{AUDIO_SAMPLE_RATE} Hz (Sources/StaticMemory.swift: 10 ms periods of 160 samples)")
    path = model_path(args.manifest, manifest, args.shared)
    ops = operators(path.read_bytes())
    name = manifest["name"]
    labels = manifest["labels"]
    wake = manifest.get("wake_word")
    conversion = manifest["input"]["conversion"]
    source = f"{args.manifest.name} and {path.name}"
    header = f"// Generated by Firmware/Tools/configure.py from {source}. Do not edit: the build regenerates it.\n"

    cases = "\n".join(registration(code, int8, dual_mac, args.kernels) for code, (int8, dual_mac) in sorted(ops.items()))
    label_cases = "\n".join(f'        case {i}: "{label}"' for i, label in enumerate(labels))
    if wake:
        kind = f"""    /// The wake-word detector: the cutoff is round({wake['probability_cutoff']} x 255) in float32, as the host computes it.
    static let probabilityCutoff: UInt8 = {cutoff_u8(wake['probability_cutoff'])}
    static let slidingWindowSize = {int(wake['sliding_window_size'])}
    static let ignoredInvocationsAfterReset = {int(wake.get('ignore_invocations_after_reset', 74))}"""
    else:
        r = manifest["recognizer"]
        kind = f"""    static let recognizer = RecognizerConfiguration(
        averageWindowMilliseconds: {int(r['average_window_ms'])}, detectionThreshold: {int(r['detection_threshold'])},
        suppressionMilliseconds: {int(r['suppression_ms'])}, minimumCount: {int(r['minimum_count'])})
    /// Frames between invocations.
    static let strideFrames = {int(manifest.get('streaming', {}).get('stride_frames', 1))}"""

    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "ModelConfiguration.swift", f"""{header}import AudioFrontend
import KeywordSpotting
import TFMicro

/// The model this firmware is built for: {name} ({"wake word" if wake else "commands"}).
enum ModelConfiguration {{
    static let name: StaticString = "{name}"
    static let labelCount = {len(labels)}
    /// Frontend frames in the model's input.
    static let inputFrames = {int(manifest['input']['frames'])}
    static let conversion = FeatureConversion(
        multiplier: {int(conversion['multiplier'])}, divisor: {int(conversion['divisor'])}, offset: {int(conversion['offset'])})
{kind}

    /// The label of output `index`, in model order.
    static func label(_ index: Int) -> StaticString {{
        switch index {{
{label_cases}
        default: "?"
        }}
    }}

    static var frontend: FrontendConfig {{
{frontend_body(manifest['frontend'], 8)}
    }}
}}

/// The kernels {name} uses, and no others (only these are linked in), resolved by a `switch`
/// on the builtin code: no table in RAM.
struct ModelResolver: OperatorResolver {{
    func registration(for op: BuiltinOperator) -> KernelRegistration? {{
        switch op.code {{
{cases}
        default: nil
        }}
    }}
}}
""")
    write(args.out / "FrontendSettings.swift", f"""{header}
extension FrontendConfig {{
    /// The frontend settings of {name}'s manifest.
    static var firmware: FrontendConfig {{
{frontend_body(manifest['frontend'], 8)}
    }}
}}
""")
    recognizer_bytes = 0 if wake else RECOGNIZER_RESULTS * (8 + len(labels))
    # The 10 ms audio periods before the one that completes the frame of the first invocation (a
    # command model first runs on a full window, every stride frames; a wake-word model on its
    # first `frames` frames): `make icount` leaves them out of the per-period figures.
    frames, step, window = int(manifest["input"]["frames"]), int(manifest["frontend"]["step_ms"]), int(manifest["frontend"]["window_ms"])
    stride = 1 if wake else int(manifest.get("streaming", {}).get("stride_frames", 1))
    first = frames - 1
    while (first + 1) % stride:
        first += 1
    first_period = -(-(first * step + window) // 10) - 1
    write(args.out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    write(args.out / "model_config.h",
        header + f"#define MODEL_NAME \"{name}\"\n#define RECOGNIZER_BYTES {recognizer_bytes}\n")
    (args.out / "config.mk").write_text(
        header.replace("//", "#") + f"MODEL_NAME := {name}\nMODEL_FILE := {path.resolve()}\n"
        f"MODEL_KIND := {'wake_word' if wake else 'commands'}\n"
        f"MODEL_SWIFT_FLAGS := {'-D WAKE_WORD' if wake else ''}\n"
        f"FIRST_INVOKE_PERIOD := {first_period}\n")


if __name__ == "__main__":
    main()
