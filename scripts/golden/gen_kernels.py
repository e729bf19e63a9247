#!/usr/bin/env python3
# Regenerate: python3 scripts/golden/gen_kernels.py --shared ../shared --out .golden
#
# Single-operator golden vectors for the TFMicro kernels. Each case is a tiny .tflite model
# holding one operator (written with PyPI's `tflite` schema builders and `flatbuffers`),
# random inputs, and the outputs of the real TFLM interpreter (PyPI `tflite-micro`).
#
# Layout written under <out>/kernels/:
#   case_NNNN.tflite           the model
#   case_NNNN.inK.bin          raw little-endian bytes of graph input K
#   case_NNNN.outM.bin         raw little-endian bytes of graph output M, as TFLM computed it
#   index.txt                  one line per case:
#                              case_NNNN op=NAME inputs=K outputs=M desc="..."
#   invalid_NN.tflite          models TFLM refuses (prepare or invoke fails)
#   invalid.txt                one line per such model: invalid_NN op=NAME desc="..."
#
# Everything is drawn from one seeded generator, so the output is identical on every run.
# A configuration that TFLM rejects is skipped (and counted), never recorded.

import argparse
import collections
import importlib
import os
import sys

import flatbuffers
import numpy as np

# The tflite package re-exports each class under its module's name, so the builder
# functions are reached through the module objects themselves.
fbBuffer = importlib.import_module("tflite.Buffer")
fbConv = importlib.import_module("tflite.Conv2DOptions")
fbDepthwise = importlib.import_module("tflite.DepthwiseConv2DOptions")
fbFC = importlib.import_module("tflite.FullyConnectedOptions")
fbModel = importlib.import_module("tflite.Model")
fbOperator = importlib.import_module("tflite.Operator")
fbOperatorCode = importlib.import_module("tflite.OperatorCode")
fbQuant = importlib.import_module("tflite.QuantizationParameters")
fbReshape = importlib.import_module("tflite.ReshapeOptions")
fbSoftmax = importlib.import_module("tflite.SoftmaxOptions")
fbSubGraph = importlib.import_module("tflite.SubGraph")
fbTensor = importlib.import_module("tflite.Tensor")
from tflite.BuiltinOperator import BuiltinOperator as Op
from tflite.BuiltinOptions import BuiltinOptions as Opt
from tflite.TensorType import TensorType as TT
from tflite_micro.python.tflite_micro import runtime

SEED = 20261124

NP_TYPES = {
    TT.FLOAT32: np.float32, TT.INT32: np.int32, TT.UINT8: np.uint8, TT.INT64: np.int64,
    TT.INT16: np.int16, TT.INT8: np.int8,
}
TYPE_NAMES = {TT.FLOAT32: "f32", TT.INT32: "i32", TT.UINT8: "u8", TT.INT64: "i64",
              TT.INT16: "i16", TT.INT8: "i8"}
ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6"}
PADDINGS = {0: "SAME", 1: "VALID"}


class Tensor:
    def __init__(self, shape, ttype, data=None, scale=None, zero_point=None, qdim=0):
        self.shape = list(shape)
        self.ttype = ttype
        self.data = data  # numpy array for constants, None for activations
        self.scale = scale  # list of floats or None
        self.zero_point = zero_point  # list of ints or None
        self.qdim = qdim


def _int_vector(builder, start_fn, values, prepend):
    start_fn(builder, len(values))
    for v in reversed(values):
        prepend(int(v))
    return builder.EndVector()


def build_model(opcode, version, tensors, op_inputs, op_outputs, options_type, options_fn):
    """Serialises a one-operator model. Graph inputs are the non-constant op inputs."""
    b = flatbuffers.Builder(1024)

    # Buffer 0 is the conventional empty buffer; each constant gets its own.
    buffer_offsets = []
    fbBuffer.Start(b)
    buffer_offsets.append(fbBuffer.End(b))
    tensor_buffer = []
    for t in tensors:
        if t.data is None:
            tensor_buffer.append(0)
            continue
        raw = np.ascontiguousarray(t.data.astype(NP_TYPES[t.ttype])).tobytes()
        b.StartVector(1, len(raw), 16)
        b.head = b.head - len(raw)
        b.Bytes[b.head:b.head + len(raw)] = raw
        data_vec = b.EndVector()
        fbBuffer.Start(b)
        fbBuffer.AddData(b, data_vec)
        tensor_buffer.append(len(buffer_offsets))
        buffer_offsets.append(fbBuffer.End(b))

    tensor_offsets = []
    for i, t in enumerate(tensors):
        name = b.CreateString("t%d" % i)
        shape = _int_vector(b, fbTensor.StartShapeVector, t.shape, b.PrependInt32)
        quant = None
        if t.scale is not None:
            fbQuant.StartScaleVector(b, len(t.scale))
            for s in reversed(t.scale):
                b.PrependFloat32(float(s))
            scale_vec = b.EndVector()
            zp_vec = _int_vector(b, fbQuant.StartZeroPointVector, t.zero_point, b.PrependInt64)
            fbQuant.Start(b)
            fbQuant.AddScale(b, scale_vec)
            fbQuant.AddZeroPoint(b, zp_vec)
            fbQuant.AddQuantizedDimension(b, t.qdim)
            quant = fbQuant.End(b)
        fbTensor.Start(b)
        fbTensor.AddShape(b, shape)
        fbTensor.AddType(b, t.ttype)
        fbTensor.AddBuffer(b, tensor_buffer[i])
        fbTensor.AddName(b, name)
        if quant is not None:
            fbTensor.AddQuantization(b, quant)
        tensor_offsets.append(fbTensor.End(b))

    options = options_fn(b) if options_fn else None
    ins = _int_vector(b, fbOperator.StartInputsVector, op_inputs, b.PrependInt32)
    outs = _int_vector(b, fbOperator.StartOutputsVector, op_outputs, b.PrependInt32)
    fbOperator.Start(b)
    fbOperator.AddOpcodeIndex(b, 0)
    fbOperator.AddInputs(b, ins)
    fbOperator.AddOutputs(b, outs)
    if options is not None:
        fbOperator.AddBuiltinOptionsType(b, options_type)
        fbOperator.AddBuiltinOptions(b, options)
    operator = fbOperator.End(b)

    graph_inputs = [i for i in op_inputs if i >= 0 and tensors[i].data is None]
    fbSubGraph.StartTensorsVector(b, len(tensor_offsets))
    for off in reversed(tensor_offsets):
        b.PrependUOffsetTRelative(off)
    tensors_vec = b.EndVector()
    g_in = _int_vector(b, fbSubGraph.StartInputsVector, graph_inputs, b.PrependInt32)
    g_out = _int_vector(b, fbSubGraph.StartOutputsVector, op_outputs, b.PrependInt32)
    fbSubGraph.StartOperatorsVector(b, 1)
    b.PrependUOffsetTRelative(operator)
    ops_vec = b.EndVector()
    sg_name = b.CreateString("main")
    fbSubGraph.Start(b)
    fbSubGraph.AddTensors(b, tensors_vec)
    fbSubGraph.AddInputs(b, g_in)
    fbSubGraph.AddOutputs(b, g_out)
    fbSubGraph.AddOperators(b, ops_vec)
    fbSubGraph.AddName(b, sg_name)
    subgraph = fbSubGraph.End(b)

    fbOperatorCode.Start(b)
    fbOperatorCode.AddDeprecatedBuiltinCode(b, min(opcode, 127))
    fbOperatorCode.AddBuiltinCode(b, opcode)
    fbOperatorCode.AddVersion(b, version)
    op_code = fbOperatorCode.End(b)

    fbModel.StartOperatorCodesVector(b, 1)
    b.PrependUOffsetTRelative(op_code)
    codes_vec = b.EndVector()
    fbModel.StartSubgraphsVector(b, 1)
    b.PrependUOffsetTRelative(subgraph)
    subgraphs_vec = b.EndVector()
    fbModel.StartBuffersVector(b, len(buffer_offsets))
    for off in reversed(buffer_offsets):
        b.PrependUOffsetTRelative(off)
    buffers_vec = b.EndVector()
    desc = b.CreateString("swift-kws kernel golden case")
    fbModel.Start(b)
    fbModel.AddVersion(b, 3)
    fbModel.AddOperatorCodes(b, codes_vec)
    fbModel.AddSubgraphs(b, subgraphs_vec)
    fbModel.AddDescription(b, desc)
    fbModel.AddBuffers(b, buffers_vec)
    model = fbModel.End(b)
    b.Finish(model, file_identifier=b"TFL3")
    return bytes(b.Output()), graph_inputs


class Quiet:
    """Silences TFLM's C-level stderr while a case that may be rejected runs."""

    def __enter__(self):
        sys.stderr.flush()
        self.saved = os.dup(2)
        self.null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(self.null, 2)

    def __exit__(self, *exc):
        sys.stderr.flush()
        os.dup2(self.saved, 2)
        os.close(self.saved)
        os.close(self.null)


def run_tflm(model_bytes, inputs):
    with Quiet():
        interp = runtime.Interpreter.from_bytes(model_bytes, arena_size=1 << 20)
        for i, x in enumerate(inputs):
            interp.set_input(x, i)
        interp.invoke()
        return interp.get_output(0)


# ---------------------------------------------------------------------------------------------
# Random parameter helpers.

class Gen:
    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def choice(self, seq):
        return seq[self.rng.randint(len(seq))]

    def int(self, lo, hi):  # inclusive
        return int(self.rng.randint(lo, hi + 1))

    def scale(self, lo, hi):
        """Log-uniform float32 scale."""
        return float(np.float32(np.exp(self.rng.uniform(np.log(lo), np.log(hi)))))

    def ints(self, ttype, shape, lo=None, hi=None):
        info = np.iinfo(NP_TYPES[ttype])
        lo = info.min if lo is None else lo
        hi = info.max if hi is None else hi
        return self.rng.randint(lo, hi + 1, size=shape, dtype=np.int64).astype(NP_TYPES[ttype])

    def floats(self, shape, sd=1.0):
        return (self.rng.standard_normal(shape) * sd).astype(np.float32)


def out_size(padding, size, filt, stride, dilation):
    eff = (filt - 1) * dilation + 1
    if padding == 0:  # SAME
        return (size + stride - 1) // stride
    return (size - eff + stride) // stride


def conv_geometry(g, max_filter=4):
    """Draws padding, stride, dilation, filter and input sizes that give a non-empty output."""
    while True:
        padding = g.int(0, 1)
        sh, sw = g.int(1, 3), g.int(1, 3)
        dh, dw = g.choice([1, 1, 2]), g.choice([1, 1, 2])
        kh, kw = g.int(1, max_filter), g.int(1, max_filter)
        ih, iw = g.int(1, 10), g.int(1, 10)
        oh, ow = out_size(padding, ih, kh, sh, dh), out_size(padding, iw, kw, sw, dw)
        if oh >= 1 and ow >= 1:
            return dict(padding=padding, sh=sh, sw=sw, dh=dh, dw=dw, kh=kh, kw=kw,
                        ih=ih, iw=iw, oh=oh, ow=ow)


def output_scale_for(in_scale, filter_scale, depth, g):
    """An output scale that keeps most accumulator values inside int8 without saturating all."""
    spread = 74.0 * 73.0 * np.sqrt(max(depth, 1))  # typical |acc| for uniform int8 operands
    return float(np.float32(3.0 * spread * in_scale * filter_scale / 100.0 * g.scale(0.3, 3.0)))


def float_weighted_tensors(g, in_shape, f_shape, o_shape, out_ch, has_bias):
    """Input, filter, optional bias and output of a float32 conv-like operator, and its input."""
    tensors = [Tensor(in_shape, TT.FLOAT32), Tensor(f_shape, TT.FLOAT32, g.floats(f_shape))]
    if has_bias:
        tensors.append(Tensor([out_ch], TT.FLOAT32, g.floats([out_ch])))
    tensors.append(Tensor(o_shape, TT.FLOAT32))
    return tensors, g.floats(in_shape)


def int8_weighted_tensors(g, in_shape, f_shape, o_shape, out_ch, depth, qdim, per_channel, has_bias,
                          wide):
    """Input, filter (quantized along `qdim`), optional int32 bias and output of an int8
    operator whose accumulator sums `depth` products, and its input."""
    in_zp, in_scale, out_zp = g.int(-128, 127), g.scale(0.005, 0.5), g.int(-128, 127)
    f_scales = [g.scale(0.002, 0.05) for _ in range(out_ch if per_channel else 1)]
    out_scale = output_scale_for(in_scale, np.mean(f_scales), depth, g)
    tensors = [Tensor(in_shape, TT.INT8, scale=[in_scale], zero_point=[in_zp]),
               Tensor(f_shape, TT.INT8, g.ints(TT.INT8, f_shape, -128 if wide else -127, 127),
                      scale=f_scales, zero_point=[0] * len(f_scales), qdim=qdim)]
    if has_bias:
        bias_scales = [in_scale * s for s in (f_scales if per_channel else f_scales * out_ch)]
        tensors.append(Tensor([out_ch], TT.INT32, g.ints(TT.INT32, [out_ch], -20000, 20000),
                              scale=bias_scales, zero_point=[0] * out_ch, qdim=0))
    tensors.append(Tensor(o_shape, TT.INT8, scale=[out_scale], zero_point=[out_zp]))
    return tensors, g.ints(TT.INT8, in_shape)


# ---------------------------------------------------------------------------------------------
# Case builders. Each returns (opname, tensors, op_inputs, op_outputs, opcode, version,
# options_type, options_fn, input_arrays, desc).

def conv_options(geo, act, bias_type=None):
    def fn(b):
        fbConv.Start(b)
        fbConv.AddPadding(b, geo["padding"])
        fbConv.AddStrideW(b, geo["sw"])
        fbConv.AddStrideH(b, geo["sh"])
        fbConv.AddFusedActivationFunction(b, act)
        fbConv.AddDilationWFactor(b, geo["dw"])
        fbConv.AddDilationHFactor(b, geo["dh"])
        if bias_type is not None:
            fbConv.AddQuantizedBiasType(b, bias_type)
        return fbConv.End(b)
    return fn


def geo_desc(geo):
    return "pad=%s stride=%dx%d dil=%dx%d filter=%dx%d in=%dx%d" % (
        PADDINGS[geo["padding"]], geo["sh"], geo["sw"], geo["dh"], geo["dw"], geo["kh"],
        geo["kw"], geo["ih"], geo["iw"])


def wake_word_conv_geometry(g):
    """Shapes of the CONV_2D layers in microWakeWord models: a 5x1 stride-3 VALID layer over
    40 feature channels, then 1x1 pointwise layers of 30-64 channels."""
    if g.rng.rand() < 0.5:
        ih = g.int(5, 11)
        geo = dict(padding=1, sh=3, sw=1, dh=1, dw=1, kh=5, kw=1, ih=ih, iw=1,
                   oh=out_size(1, ih, 5, 3, 1), ow=1)
        return geo, 40, g.choice([30, 32])
    ih, iw = g.int(1, 3), g.int(1, 3)
    geo = dict(padding=g.int(0, 1), sh=1, sw=1, dh=1, dw=1, kh=1, kw=1, ih=ih, iw=iw, oh=ih, ow=iw)
    return geo, g.choice([16, 30, 32, 60, 64]), g.choice([16, 30, 32, 60, 64])


def case_conv(g, kind):
    # "w" kinds: the layer shapes of real wake-word models (long channel runs).
    wide = kind.endswith("w")
    kind = kind.rstrip("w")
    if wide:
        geo, in_ch, out_ch = wake_word_conv_geometry(g)
        batch, groups, filter_in = 1, 1, in_ch
    else:
        geo = conv_geometry(g)
        batch = g.choice([1, 1, 1, 2])
        groups = g.choice([1, 1, 1, 1, 2])
        filter_in = g.int(1, 4)
        in_ch = filter_in * groups
        out_ch = groups * g.int(1, 4)
    act = g.int(0, 3)
    has_bias = g.rng.rand() < 0.75
    in_shape = [batch, geo["ih"], geo["iw"], in_ch]
    f_shape = [out_ch, geo["kh"], geo["kw"], filter_in]
    o_shape = [batch, geo["oh"], geo["ow"], out_ch]
    depth = geo["kh"] * geo["kw"] * filter_in
    bias_type = None
    if kind == "f32":
        tensors, x = float_weighted_tensors(g, in_shape, f_shape, o_shape, out_ch, has_bias)
        quant_desc = "float32"
        version = 1 if geo["dh"] == 1 and geo["dw"] == 1 else 2
    else:
        per_channel = g.rng.rand() < 0.7
        if kind == "i8":
            in_t, in_zp, in_scale = TT.INT8, g.int(-128, 127), g.scale(0.005, 0.5)
            if wide and g.rng.rand() < 0.5:
                in_zp = g.choice([-128, 127])  # the largest |input - zero point|
            out_zp = g.int(-128, 127)
            bias_t = TT.INT32
        else:  # int16 activations, int8 weights
            in_t, in_zp, in_scale = TT.INT16, 0, g.scale(1e-4, 1e-2)
            out_zp = 0
            bias_choice = g.choice(["i64", "i32", "none"])
            has_bias = bias_choice != "none"
            bias_t = TT.INT64 if bias_choice == "i64" else TT.INT32
            if bias_choice == "none":
                bias_type = g.choice([TT.FLOAT32, TT.INT32, TT.INT64])
        f_scales = [g.scale(0.002, 0.05) for _ in range(out_ch if per_channel else 1)]
        # TFLM's per-channel kernels ignore the filter zero point; a few cases carry one.
        f_zps = [0] * len(f_scales)
        if g.rng.rand() < 0.1:
            f_zps = [g.int(-5, 5) for _ in f_scales]
        base = output_scale_for(in_scale, np.mean(f_scales), depth, g)
        # int16 activations make the accumulator about 256 times larger than int8 ones, so the
        # same scale spreads the output over the int16 range.
        out_scale = base * (2.0 if in_t == TT.INT16 else 1.0)
        tensors = [Tensor(in_shape, in_t, scale=[in_scale], zero_point=[in_zp]),
                   Tensor(f_shape, TT.INT8, g.ints(TT.INT8, f_shape, -128 if wide else -127, 127),
                          scale=f_scales, zero_point=f_zps, qdim=0)]
        if has_bias:
            bias_scales = [in_scale * s for s in (f_scales if per_channel else f_scales * out_ch)]
            bound = 20000 if in_t == TT.INT8 else 2000000
            tensors.append(Tensor([out_ch], bias_t, g.ints(bias_t, [out_ch], -bound, bound),
                                  scale=bias_scales, zero_point=[0] * out_ch, qdim=0))
        tensors.append(Tensor(o_shape, in_t, scale=[out_scale], zero_point=[out_zp]))
        x = g.ints(in_t, in_shape)
        quant_desc = "%s per-%s%s" % ("int8" if in_t == TT.INT8 else "int16x8"
                                    + (" bias=%s" % TYPE_NAMES[bias_t] if has_bias else
                                       " qbias=%d" % bias_type),
                                    "channel" if per_channel else "tensor",
                                    " filter_zp=%s" % f_zps if any(f_zps) else "")
        version = 3 if in_t == TT.INT8 else 4
    n = len(tensors)
    op_inputs = [0, 1, 2] if has_bias else [0, 1]
    desc = "%s %s act=%s bias=%s groups=%d batch=%d ch=%d->%d" % (
        quant_desc, geo_desc(geo), ACTIVATIONS[act], "yes" if has_bias else "no", groups, batch,
        in_ch, out_ch)
    return ("CONV_2D", tensors, op_inputs, [n - 1], Op.CONV_2D, version, Opt.Conv2DOptions,
            conv_options(geo, act, bias_type), [x], desc)


def case_depthwise(g, kind):
    # "w" kinds: many channels and depth multipliers 8/16 (vectorised paths), filters using
    # the full int8 range including -128.
    wide = kind.endswith("w")
    kind = kind.rstrip("w")
    geo = conv_geometry(g)
    batch = g.choice([1, 1, 1, 2])
    in_ch = g.choice([1, 2, 3, 8, 9, 16]) if wide else g.int(1, 4)
    mult = g.choice([1, 8, 16]) if wide else g.int(1, 4)
    out_ch = in_ch * mult
    act = g.int(0, 3)
    has_bias = g.rng.rand() < 0.75
    in_shape = [batch, geo["ih"], geo["iw"], in_ch]
    f_shape = [1, geo["kh"], geo["kw"], out_ch]
    o_shape = [batch, geo["oh"], geo["ow"], out_ch]
    if kind == "f32":
        tensors, x = float_weighted_tensors(g, in_shape, f_shape, o_shape, out_ch, has_bias)
        quant_desc = "float32"
        version = 1 if geo["dh"] == 1 and geo["dw"] == 1 else 2
    else:
        per_channel = g.rng.rand() < 0.7
        tensors, x = int8_weighted_tensors(g, in_shape, f_shape, o_shape, out_ch, geo["kh"] * geo["kw"],
                                           3, per_channel, has_bias, wide)
        quant_desc = "int8 per-%s" % ("channel" if per_channel else "tensor")
        version = 3

    def options(b):
        fbDepthwise.Start(b)
        fbDepthwise.AddPadding(b, geo["padding"])
        fbDepthwise.AddStrideW(b, geo["sw"])
        fbDepthwise.AddStrideH(b, geo["sh"])
        fbDepthwise.AddDepthMultiplier(b, mult)
        fbDepthwise.AddFusedActivationFunction(b, act)
        fbDepthwise.AddDilationWFactor(b, geo["dw"])
        fbDepthwise.AddDilationHFactor(b, geo["dh"])
        return fbDepthwise.End(b)

    n = len(tensors)
    desc = "%s %s act=%s bias=%s mult=%d batch=%d ch=%d->%d" % (
        quant_desc, geo_desc(geo), ACTIVATIONS[act], "yes" if has_bias else "no", mult, batch,
        in_ch, out_ch)
    return ("DEPTHWISE_CONV_2D", tensors, [0, 1, 2] if has_bias else [0, 1], [n - 1],
            Op.DEPTHWISE_CONV_2D, version, Opt.DepthwiseConv2DOptions, options, [x], desc)


def case_fully_connected(g, kind):
    # "w" kinds: long rows (vectorised paths and their remainders), full int8 weight range.
    wide = kind.endswith("w")
    kind = kind.rstrip("w")
    rank = g.int(1, 4)
    units = g.int(1, 12)
    depth = g.int(16, 100) if wide else g.int(1, 24)
    lead = [g.int(1, 3) for _ in range(rank - 1)]
    in_shape = lead + [depth]
    keep = rank >= 2 and g.rng.rand() < 0.5
    act = g.int(0, 3)
    has_bias = g.rng.rand() < 0.75
    batch = int(np.prod(lead)) if lead else 1
    o_shape = (lead + [units]) if keep else [batch, units]
    w_shape = [units, depth]
    if kind == "f32":
        tensors, x = float_weighted_tensors(g, in_shape, w_shape, o_shape, units, has_bias)
        quant_desc = "float32"
        version = 1
    else:
        per_channel = g.rng.rand() < 0.3
        tensors, x = int8_weighted_tensors(g, in_shape, w_shape, o_shape, units, depth, 0, per_channel,
                                           has_bias, wide)
        quant_desc = "int8 per-%s" % ("channel" if per_channel else "tensor")
        version = 4

    def options(b):
        fbFC.Start(b)
        fbFC.AddFusedActivationFunction(b, act)
        fbFC.AddKeepNumDims(b, keep)
        return fbFC.End(b)

    n = len(tensors)
    desc = "%s in=%s units=%d act=%s bias=%s keep_num_dims=%s" % (
        quant_desc, "x".join(map(str, in_shape)), units, ACTIVATIONS[act],
        "yes" if has_bias else "no", "true" if keep else "false")
    return ("FULLY_CONNECTED", tensors, [0, 1, 2] if has_bias else [0, 1], [n - 1],
            Op.FULLY_CONNECTED, version, Opt.FullyConnectedOptions, options, [x], desc)


def case_softmax(g, kind):
    rank = g.int(1, 4)
    shape = [g.int(1, 3) for _ in range(rank - 1)] + [g.int(1, 16)]
    beta = g.choice([1.0, 1.0, 0.5, 2.0, 0.25, 1.5, 3.0, float(np.float32(g.scale(0.1, 4.0)))])
    if kind == "f32":
        tensors = [Tensor(shape, TT.FLOAT32), Tensor(shape, TT.FLOAT32)]
        x = g.floats(shape, sd=g.choice([0.5, 2.0, 8.0]))
        quant_desc = "float32"
        version = 1
    else:
        in_scale, in_zp = g.scale(0.005, 0.15), g.int(-128, 127)
        # TFLM requires these output parameters: int8 1/256 - 128, int16 1/65536 - 32768.
        out = Tensor(shape, TT.INT8, scale=[1.0 / 256], zero_point=[-128]) if kind == "i8" else \
            Tensor(shape, TT.INT16, scale=[1.0 / 65536], zero_point=[-32768])
        tensors = [Tensor(shape, TT.INT8, scale=[in_scale], zero_point=[in_zp]), out]
        x = g.ints(TT.INT8, shape)
        quant_desc = "int8->%s in_scale=%.6g in_zp=%d" % (
            "int8" if kind == "i8" else "int16", in_scale, in_zp)
        version = 2

    def options(b):
        fbSoftmax.Start(b)
        fbSoftmax.AddBeta(b, beta)
        return fbSoftmax.End(b)

    desc = "%s shape=%s beta=%.6g" % (quant_desc, "x".join(map(str, shape)), beta)
    return ("SOFTMAX", tensors, [0], [1], Op.SOFTMAX, version, Opt.SoftmaxOptions, options,
            [x], desc)


def case_softmax_wide(g, _):
    """One long float row whose differences from the maximum span exp's whole useful range
    (0 down to below -104), so thousands of distinct exp() arguments reach the output."""
    depth = 2048
    x = g.rng.uniform(-110.0, 0.0, size=[1, depth]).astype(np.float32)
    tensors = [Tensor([1, depth], TT.FLOAT32), Tensor([1, depth], TT.FLOAT32)]

    def options(b):
        fbSoftmax.Start(b)
        fbSoftmax.AddBeta(b, 1.0)
        return fbSoftmax.End(b)

    return ("SOFTMAX", tensors, [0], [1], Op.SOFTMAX, 1, Opt.SoftmaxOptions, options, [x],
            "float32 shape=1x%d beta=1 inputs uniform in [-110, 0]" % depth)


def case_softmax_exp_edge(g, _):
    """A row whose second output is exp(-63.09946) itself (the sum rounds to 1): one of the two
    floats in [-110, 100] where the unfused and the FMA-fused evaluation of glibc's expf
    algorithm differ by one ulp (glibc runs its FMA build on FMA CPUs). The other one,
    exp(32.564632), cannot reach a softmax output unrounded."""
    beta = 1.0
    x = np.array([[0.0, np.uint32(0xC27C65D9).view(np.float32)]], np.float32)
    tensors = [Tensor([1, 2], TT.FLOAT32), Tensor([1, 2], TT.FLOAT32)]

    def options(b):
        fbSoftmax.Start(b)
        fbSoftmax.AddBeta(b, beta)
        return fbSoftmax.End(b)

    return ("SOFTMAX", tensors, [0], [1], Op.SOFTMAX, 1, Opt.SoftmaxOptions, options, [x],
            "float32 shape=1x2 beta=1 exp argument %r (fused/unfused expf differ)" % float(x[0, 1]))


def case_reshape(g, kind):
    dims = [g.int(1, 4) for _ in range(g.int(1, 4))]
    total = int(np.prod(dims))
    # A different factorisation of the same element count.
    out = []
    rest = total
    for _ in range(g.int(0, 3)):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = g.choice(divisors)
        out.append(d)
        rest //= d
    out.append(rest)
    ttype = {"f32": TT.FLOAT32, "i8": TT.INT8, "i16": TT.INT16, "i32": TT.INT32}[kind]
    with_shape_tensor = g.rng.rand() < 0.6
    shape_values = list(out)
    if with_shape_tensor and g.rng.rand() < 0.4:
        shape_values[g.int(0, len(out) - 1)] = -1
    quant = dict(scale=[g.scale(0.01, 1.0)], zero_point=[g.int(-10, 10)]) \
        if ttype in (TT.INT8, TT.INT16) else {}
    tensors = [Tensor(dims, ttype, **quant), Tensor(out, ttype, **quant)]
    op_inputs = [0]
    if with_shape_tensor:
        tensors.insert(1, Tensor([len(out)], TT.INT32, np.array(shape_values, np.int32)))
        op_inputs = [0, 1]
    x = g.floats(dims) if ttype == TT.FLOAT32 else g.ints(ttype, dims)

    def options(b):
        vec = _int_vector(b, fbReshape.StartNewShapeVector, shape_values, b.PrependInt32)
        fbReshape.Start(b)
        fbReshape.AddNewShape(b, vec)
        return fbReshape.End(b)

    desc = "%s %s -> %s via %s %s" % (
        TYPE_NAMES[ttype], "x".join(map(str, dims)), "x".join(map(str, out)),
        "shape tensor" if with_shape_tensor else "options",
        "[" + ",".join(map(str, shape_values)) + "]")
    return ("RESHAPE", tensors, op_inputs, [len(tensors) - 1], Op.RESHAPE, 1,
            Opt.ReshapeOptions, options, [x], desc)


QUANTIZE_PAIRS = [
    ("f32", "i8"), ("f32", "i16"), ("i8", "i8"), ("i8", "u8"), ("u8", "i8"), ("i8", "i16"),
    ("i8", "i32"), ("i16", "i8"), ("i16", "i16"), ("i16", "i32"), ("i32", "i8"), ("i32", "i16"),
]
NAME_TYPES = {"f32": TT.FLOAT32, "i8": TT.INT8, "u8": TT.UINT8, "i16": TT.INT16, "i32": TT.INT32}


def zero_point_for(g, ttype):
    return {TT.INT8: g.int(-128, 127), TT.UINT8: g.int(0, 255), TT.INT16: g.int(-50, 50),
            TT.INT32: g.int(-50, 50)}[ttype]


def case_quantize(g, pair):
    src, dst = NAME_TYPES[pair[0]], NAME_TYPES[pair[1]]
    shape = [g.int(1, 4) for _ in range(g.int(1, 4))]
    out_scale = g.scale(0.002, 0.5) if dst != TT.INT16 else g.scale(1e-4, 1e-2)
    out_zp = zero_point_for(g, dst)
    if src == TT.FLOAT32:
        span = out_scale * (255.0 if dst == TT.INT8 else 65535.0)
        x = g.floats(shape, sd=span / 4.0)
        # Exact half-way points exercise round-half-away-from-zero.
        flat = x.reshape(-1)
        for i in range(0, flat.size, 3):
            flat[i] = np.float32((g.int(-300, 300) + 0.5) * out_scale)
        in_tensor = Tensor(shape, TT.FLOAT32)
    else:
        same_scale = g.rng.rand() < 0.2
        in_scale = out_scale if same_scale else out_scale * g.scale(0.1, 10.0)
        in_zp = zero_point_for(g, src)
        if pair == ("i8", "u8") and same_scale and g.rng.rand() < 0.7:
            in_zp, out_zp = g.int(-128, -1), 0
            out_zp = in_zp + 128
        if pair == ("u8", "i8") and same_scale and g.rng.rand() < 0.7:
            in_zp = g.int(0, 255)
            out_zp = in_zp - 128
        if src == TT.INT32:
            x = g.ints(src, shape, -40000, 40000)
        else:
            x = g.ints(src, shape)
        in_tensor = Tensor(shape, src, scale=[in_scale], zero_point=[in_zp])
    tensors = [in_tensor, Tensor(shape, dst, scale=[out_scale], zero_point=[out_zp])]
    in_desc = "float32" if src == TT.FLOAT32 else "%s(scale=%.6g zp=%d)" % (
        pair[0], in_tensor.scale[0], in_tensor.zero_point[0])
    desc = "%s -> %s(scale=%.6g zp=%d) shape=%s" % (
        in_desc, pair[1], out_scale, out_zp, "x".join(map(str, shape)))
    return ("QUANTIZE", tensors, [0], [1], Op.QUANTIZE, 1 if src == TT.FLOAT32 else 2, None,
            None, [x], desc)


def case_quantize_extremes(g, dst_name):
    """Float inputs far outside the output range, infinities and NaN: the reference's
    float-to-int32 cast of such quotients is what decides these bytes."""
    dst = NAME_TYPES[dst_name]
    out_scale = g.scale(0.002, 0.5)
    out_zp = zero_point_for(g, dst)
    specials = [np.inf, -np.inf, np.nan, 3e9, -3e9, 1e30, -1e30, 2.5e9, -2.2e9,
                out_scale * 2147483520.0, -out_scale * 2147483520.0, 0.0, -0.0]
    extra = g.floats([7], sd=out_scale * 200.0)
    x = np.array(specials, np.float32)
    x = np.concatenate([x, extra]).astype(np.float32)
    tensors = [Tensor([x.size], TT.FLOAT32), Tensor([x.size], dst, scale=[out_scale], zero_point=[out_zp])]
    desc = "float32 extremes (inf, nan, beyond int32) -> %s(scale=%.6g zp=%d) shape=%d" % (
        dst_name, out_scale, out_zp, x.size)
    return ("QUANTIZE", tensors, [0], [1], Op.QUANTIZE, 1, None, None, [x], desc)


def case_dequantize(g, src_name):
    src = NAME_TYPES[src_name]
    shape = [g.int(1, 4) for _ in range(g.int(1, 4))]
    scale = g.scale(0.001, 2.0) if src != TT.INT16 else g.scale(1e-5, 1e-2)
    zp = zero_point_for(g, src)
    tensors = [Tensor(shape, src, scale=[scale], zero_point=[zp]), Tensor(shape, TT.FLOAT32)]
    x = g.ints(src, shape)
    desc = "%s(scale=%.6g zp=%d) -> float32 shape=%s" % (src_name, scale, zp,
                                                        "x".join(map(str, shape)))
    return ("DEQUANTIZE", tensors, [0], [1], Op.DEQUANTIZE, 2, None, None, [x], desc)


def plan():
    """The (builder, argument) list, in a fixed order."""
    items = []
    items += [(case_conv, "i8")] * 80 + [(case_conv, "f32")] * 30 + [(case_conv, "i16")] * 15
    items += [(case_depthwise, "i8")] * 55 + [(case_depthwise, "f32")] * 20
    items += [(case_fully_connected, "i8")] * 40 + [(case_fully_connected, "f32")] * 15
    items += [(case_softmax, "i8")] * 30 + [(case_softmax, "f32")] * 12
    items += [(case_softmax, "i8->i16")] * 8 + [(case_softmax_wide, None)] * 2
    items += [(case_reshape, k) for k in ["i8", "f32", "i16", "i32"] * 5]
    items += [(case_quantize, p) for p in QUANTIZE_PAIRS * 4]
    items += [(case_quantize_extremes, d) for d in ["i8", "i16"] * 2]
    items += [(case_dequantize, s) for s in ["i8", "u8", "i16"] * 6]
    items += [(case_softmax_exp_edge, None)]
    items += [(case_conv, "i8w")] * 20 + [(case_conv, "f32w")] * 5
    items += [(case_depthwise, "i8w")] * 20 + [(case_depthwise, "f32w")] * 6
    items += [(case_fully_connected, "i8w")] * 15 + [(case_fully_connected, "f32w")] * 5
    return items


# ---------------------------------------------------------------------------------------------
# Streaming-model ops (microWakeWord): STRIDED_SLICE, CONCATENATION, LOGISTIC, SPLIT_V.
# Drawn from their own seed and numbered after the cases above, so those stay unchanged;
# every output of the operator is recorded (SPLIT_V has several).

STREAMING_SEED = 20261125
fbStridedSlice = importlib.import_module("tflite.StridedSliceOptions")
fbConcat = importlib.import_module("tflite.ConcatenationOptions")
fbSplitV = importlib.import_module("tflite.SplitVOptions")
STREAMING_TYPES = {"i8": TT.INT8, "f32": TT.FLOAT32, "i16": TT.INT16, "i32": TT.INT32}


def _values(g, ttype, shape):
    return g.floats(shape, 2.0) if ttype == TT.FLOAT32 else g.ints(ttype, shape)


def _quant(g, ttype):
    if ttype == TT.INT8:
        return dict(scale=[g.scale(0.01, 1.0)], zero_point=[g.int(-20, 20)])
    if ttype == TT.INT16:
        return dict(scale=[g.scale(0.01, 1.0)], zero_point=[0])
    return {}


def _slice_extent(size, begin, end, stride, bit, begin_mask, end_mask, shrink_mask):
    """TFLM's CheckOutputSize for one axis (StartForAxis / StopForAxis, float ceil)."""
    def clamp(v, lo, hi):
        return hi if hi < v else lo if v < lo else v
    start = begin
    if begin_mask & bit:
        start = -(1 << 31) if stride > 0 else (1 << 31) - 1
    if start < 0:
        start += size
    start = clamp(start, 0, size) if stride > 0 else clamp(start, -1, size - 1)
    if shrink_mask & bit:
        return None
    stop = end
    if end_mask & bit:
        stop = (1 << 31) - 1 if stride > 0 else -(1 << 31)
    if stop < 0:
        stop += size
    stop = clamp(stop, 0, size) if stride > 0 else clamp(stop, -1, size - 1)
    return max(int(np.ceil(np.float32(stop - start) / np.float32(stride))), 0)


def _slice_written(size, begin, end, stride, bit, begin_mask, end_mask, shrink_mask):
    """How many indices the reference loop visits on one axis (StridedSliceStartForAxis /
    StridedSliceEndForAxis)."""
    def clamp(v, lo, hi):
        return hi if hi < v else lo if v < lo else v
    start = begin + size if begin < 0 else begin
    start = clamp(start, 0, size) if stride > 0 else clamp(start, -1, size - 1)
    if begin_mask & bit:
        start = 0 if stride > 0 else size - 1
    if shrink_mask & bit:
        stop = start if start >= size else start + 1
    else:
        stop = end + size if end < 0 else end
        stop = clamp(stop, 0, size) if stride > 0 else clamp(stop, -1, size - 1)
        if end_mask & bit:
            stop = size if stride > 0 else -1
    return len(range(start, stop, stride))


def case_strided_slice(g, kind):
    ttype = STREAMING_TYPES[kind]
    # TFLM refuses empty outputs (dynamic tensors), so draw until every axis keeps something.
    while True:
        dims = [g.int(1, 6) for _ in range(g.int(1, 4))]
        begin, end, strides = [], [], []
        for d in dims:
            stride = g.choice([1, 1, 1, 2, 3, -1, -2])
            begin.append(g.int(-d, d))
            end.append(g.int(-d - 1, d + 1))
            strides.append(stride)
        rank = len(dims)
        begin_mask = g.int(0, (1 << rank) - 1) if g.rng.rand() < 0.5 else 0
        end_mask = g.int(0, (1 << rank) - 1) if g.rng.rand() < 0.5 else 0
        shrink_mask = g.int(0, (1 << rank) - 1) if g.rng.rand() < 0.3 else 0
        out_shape = []
        for i, d in enumerate(dims):
            e = _slice_extent(d, begin[i], end[i], strides[i], 1 << i, begin_mask, end_mask, shrink_mask)
            if e is not None:
                out_shape.append(e)
        # A shrunk axis whose index falls outside it (or runs against a negative stride)
        # makes the reference loop write fewer elements than the output holds: TFLM leaves
        # the rest unwritten, so there is nothing defined to compare (TFMicro refuses these).
        written = int(np.prod([_slice_written(d, begin[i], end[i], strides[i], 1 << i, begin_mask,
                                              end_mask, shrink_mask) for i, d in enumerate(dims)]))
        if all(e > 0 for e in out_shape) and written == int(np.prod(out_shape)):
            break
    quant = _quant(g, ttype)
    tensors = [Tensor(dims, ttype, **quant),
               Tensor([rank], TT.INT32, np.array(begin, np.int32)),
               Tensor([rank], TT.INT32, np.array(end, np.int32)),
               Tensor([rank], TT.INT32, np.array(strides, np.int32)),
               Tensor(out_shape, ttype, **quant)]

    def options(b):
        fbStridedSlice.Start(b)
        fbStridedSlice.AddBeginMask(b, begin_mask)
        fbStridedSlice.AddEndMask(b, end_mask)
        fbStridedSlice.AddShrinkAxisMask(b, shrink_mask)
        return fbStridedSlice.End(b)

    desc = "%s %s begin=%s end=%s strides=%s masks b%d e%d s%d -> %s" % (
        kind, "x".join(map(str, dims)), begin, end, strides, begin_mask, end_mask, shrink_mask,
        "x".join(map(str, out_shape)))
    return ("STRIDED_SLICE", tensors, [0, 1, 2, 3], [4], Op.STRIDED_SLICE, 1,
            Opt.StridedSliceOptions, options, [_values(g, ttype, dims)], desc)


def case_concatenation(g, kind):
    ttype = STREAMING_TYPES[kind]
    rank = g.int(1, 4)
    base = [g.int(1, 4) for _ in range(rank)]
    axis = g.int(-rank, rank - 1)
    count = g.int(1, 4)
    quant = _quant(g, ttype)  # TFLM requires int8 inputs to share the output's parameters
    tensors, inputs = [], []
    total = 0
    for _ in range(count):
        shape = list(base)
        shape[axis] = g.int(1, 4)
        total += shape[axis]
        tensors.append(Tensor(shape, ttype, **quant))
        inputs.append(_values(g, ttype, shape))
    out_shape = list(base)
    out_shape[axis] = total
    tensors.append(Tensor(out_shape, ttype, **quant))

    def options(b):
        fbConcat.Start(b)
        fbConcat.AddAxis(b, axis)
        return fbConcat.End(b)

    desc = "%s %d inputs axis %d -> %s" % (kind, count, axis, "x".join(map(str, out_shape)))
    return ("CONCATENATION", tensors, list(range(count)), [count], Op.CONCATENATION, 1,
            Opt.ConcatenationOptions, options, inputs, desc)


def case_logistic(g, kind):
    ttype = STREAMING_TYPES[kind]
    shape = [1, g.int(1, 64)]
    if ttype == TT.INT8:
        quant_in = dict(scale=[g.scale(0.001, 1.0)], zero_point=[g.int(-128, 127)])
        quant_out = dict(scale=[1.0 / 256], zero_point=[-128])
        x = g.ints(ttype, shape)
        desc = "i8 %d values, input scale %.6g zp %d" % (shape[1], quant_in["scale"][0], quant_in["zero_point"][0])
    else:
        quant_in = quant_out = {}
        x = g.floats(shape, 8.0)
        desc = "f32 %d values" % shape[1]
    tensors = [Tensor(shape, ttype, **quant_in), Tensor(shape, ttype, **quant_out)]
    return ("LOGISTIC", tensors, [0], [1], Op.LOGISTIC, 1, 0, None, [x], desc)


def case_split_v(g, kind):
    ttype = STREAMING_TYPES[kind]
    rank = g.int(1, 4)
    dims = [g.int(1, 4) for _ in range(rank)]
    axis = g.int(-rank, rank - 1)
    count = g.int(2, 3)
    sizes = [g.int(1, 3) for _ in range(count)]
    dims[axis] = sum(sizes)
    quant = _quant(g, ttype)
    tensors = [Tensor(dims, ttype, **quant),
               Tensor([count], TT.INT32, np.array(sizes, np.int32)),
               Tensor([1], TT.INT32, np.array([axis], np.int32))]
    for size in sizes:
        shape = list(dims)
        shape[axis] = size
        tensors.append(Tensor(shape, ttype, **quant))

    def options(b):
        fbSplitV.Start(b)
        fbSplitV.AddNumSplits(b, count)
        return fbSplitV.End(b)

    desc = "%s %s axis %d sizes %s" % (kind, "x".join(map(str, dims)), axis, sizes)
    return ("SPLIT_V", tensors, [0, 1, 2], list(range(3, 3 + count)), Op.SPLIT_V, 1,
            Opt.SplitVOptions, options, [_values(g, ttype, dims)], desc)


def streaming_plan():
    items = [(case_strided_slice, k) for k in ["i8"] * 30 + ["f32", "i16", "i32"] * 4]
    items += [(case_concatenation, k) for k in ["i8"] * 15 + ["f32", "i16", "i32"] * 3]
    items += [(case_logistic, k) for k in ["i8"] * 25 + ["f32"] * 8]
    items += [(case_split_v, k) for k in ["i8"] * 12 + ["f32", "i16", "i32"] * 2]
    return items


def run_tflm_all_outputs(model_bytes, inputs, output_count):
    with Quiet():
        interp = runtime.Interpreter.from_bytes(model_bytes, arena_size=1 << 20)
        for i, x in enumerate(inputs):
            interp.set_input(x, i)
        interp.invoke()
        return [interp.get_output(k) for k in range(output_count)]


# ---------------------------------------------------------------------------------------------
# Depthwise layers of the streaming models' shape (one output pixel of a one-column filter as
# tall as the input: the host's column path, which folds the input offset into the bias when
# no weight is -128), drawn from their own seed and numbered after the streaming cases.

COLUMN_SEED = 20261206


def case_column_depthwise(g, kind):
    """kind: "narrow" weights in -127...127, "full" in -128...127, "edge" weights of +-127
    against inputs and zero points at the ends of int8 (the largest 16-bit products)."""
    rows, ch = g.int(1, 21), g.choice([16, 17, 30, 32, 60, 64, 65])
    act = g.int(0, 3)
    has_bias = g.rng.rand() < 0.75
    per_channel = g.rng.rand() < 0.7
    in_shape, f_shape, o_shape = [1, rows, 1, ch], [1, rows, 1, ch], [1, 1, 1, ch]
    tensors, x = int8_weighted_tensors(g, in_shape, f_shape, o_shape, ch, rows, 3, per_channel,
                                       has_bias, kind == "full")
    if kind == "edge":
        tensors[1].data = (g.ints(TT.INT8, f_shape, 0, 1).astype(np.int64) * 254 - 127).astype(np.int8)
        tensors[0].zero_point = [g.choice([-128, 127])]
        x = (g.ints(TT.INT8, in_shape, 0, 1).astype(np.int64) * 255 - 128).astype(np.int8)

    def options(b):
        fbDepthwise.Start(b)
        fbDepthwise.AddPadding(b, 1)
        fbDepthwise.AddStrideW(b, 1)
        fbDepthwise.AddStrideH(b, 1)
        fbDepthwise.AddDepthMultiplier(b, 1)
        fbDepthwise.AddFusedActivationFunction(b, act)
        fbDepthwise.AddDilationWFactor(b, 1)
        fbDepthwise.AddDilationHFactor(b, 1)
        return fbDepthwise.End(b)

    n = len(tensors)
    desc = "int8 per-%s column %s weights rows=%d ch=%d act=%s bias=%s in_zp=%d" % (
        "channel" if per_channel else "tensor", kind, rows, ch, ACTIVATIONS[act],
        "yes" if has_bias else "no", tensors[0].zero_point[0])
    return ("DEPTHWISE_CONV_2D", tensors, [0, 1, 2] if has_bias else [0, 1], [n - 1],
            Op.DEPTHWISE_CONV_2D, 3, Opt.DepthwiseConv2DOptions, options, [x], desc)


def column_plan():
    return [(case_column_depthwise, k) for k in ["narrow"] * 20 + ["full"] * 10 + ["edge"] * 10]


# ---------------------------------------------------------------------------------------------
# CONV_2D layers whose one output pixel's window is the whole input (the host's matrix-vector
# path: 1x1 pointwise layers and the streaming models' first layer), with row lengths that end
# in a partial sixteen-column step (17, 30, 60, ...) and row counts that end in a partial
# block of eight (9, 30, 60, ...), drawn from their own seed and numbered after the column
# depthwise cases.

MATRIX_SEED = 20261207
MATRIX_SHAPES = [(60, 60), (30, 60), (200, 30), (17, 9), (60, 30), (30, 9), (200, 9), (17, 60),
                 (64, 64), (32, 64), (200, 32), (16, 30), (24, 17), (40, 8), (12, 7), (8, 3),
                 (31, 31), (33, 15), (47, 10), (95, 13), (100, 24), (199, 11), (64, 9), (60, 1)]


def case_matrix_vector(g, shape):
    """shape: (columns, rows[, "filter input"]). 200 columns as a 5x1 filter over 40 channels
    (the first layer), anything else a 1x1 filter; a quarter of the cases put the input zero
    point at an end of int8 and the weights at +-127 and -128 (the largest products). With
    "filter input" the filter is a graph input, not a constant, so no kernel can fold the
    input offset into the bias at prepare."""
    columns, rows = shape[:2]
    filter_input = shape[2:] == ("filter input",)
    kh, in_ch = (5, 40) if columns == 200 else (1, columns)
    geo = dict(padding=1, sh=1, sw=1, dh=1, dw=1, kh=kh, kw=1, ih=kh, iw=1, oh=1, ow=1)
    act = g.int(0, 3)
    has_bias = g.rng.rand() < 0.75
    per_channel = g.rng.rand() < 0.7
    edge = g.rng.rand() < 0.25
    in_shape, f_shape, o_shape = [1, kh, 1, in_ch], [rows, kh, 1, in_ch], [1, 1, 1, rows]
    tensors, x = int8_weighted_tensors(g, in_shape, f_shape, o_shape, rows, columns, 0, per_channel,
                                       has_bias, True)
    if edge:
        w = np.array([-128, -127, 127, 127], np.int8)[g.ints(TT.INT8, f_shape, 0, 3)]
        zp = g.choice([-128, 127])
        x = (g.ints(TT.INT8, in_shape, 0, 1).astype(np.int64) * 255 - 128).astype(np.int8)
        tensors[1].data, tensors[0].zero_point = w, [zp]
        # An output scale that keeps these large sums off the clamp: the largest channel's
        # real value maps to about 100.
        acc = (w.reshape(rows, -1).astype(np.int64) * (x.reshape(-1).astype(np.int64) - zp)).sum(axis=1)
        if has_bias:
            acc += tensors[2].data.astype(np.int64)
        f_scales = np.resize(np.array(tensors[1].scale, np.float64), rows)
        real = np.abs(acc) * tensors[0].scale[0] * f_scales
        tensors[-1].scale = [float(np.float32(max(real.max(), 1e-6) / 100.0))]
        act = 0  # the clamps would keep few of that scale's outputs
    inputs = [x]
    if filter_input:
        inputs.append(tensors[1].data)
        tensors[1].data = None
    n = len(tensors)
    desc = "int8 per-%s matrix-vector%s%s columns=%d rows=%d filter=%dx1 act=%s bias=%s in_zp=%d" % (
        "channel" if per_channel else "tensor", " edge" if edge else "",
        " filter-input" if filter_input else "", columns, rows, kh, ACTIVATIONS[act],
        "yes" if has_bias else "no", tensors[0].zero_point[0])
    return ("CONV_2D", tensors, [0, 1, 2] if has_bias else [0, 1], [n - 1], Op.CONV_2D, 3,
            Opt.Conv2DOptions, conv_options(geo, act), inputs, desc)


def matrix_plan():
    return [(case_matrix_vector, s) for s in MATRIX_SHAPES * 2 + [s + ("filter input",) for s in MATRIX_SHAPES]]


def write_streaming_cases(out_dir, number, index_lines, written, skipped, seed=STREAMING_SEED,
                          cases=streaming_plan):
    """Appends the streaming-op cases (or `cases`' from `seed`); returns the next case number."""
    g = Gen(seed)
    for builder, arg in cases():
        (opname, tensors, op_inputs, op_outputs, opcode, version, opt_type, opt_fn, inputs,
         desc) = builder(g, arg)
        model, _ = build_model(opcode, version, tensors, op_inputs, op_outputs, opt_type, opt_fn)
        try:
            outputs = run_tflm_all_outputs(model, inputs, len(op_outputs))
        except RuntimeError:
            skipped[opname] += 1
            continue
        if any(o.dtype != NP_TYPES[tensors[t].ttype] or o.size != int(np.prod(tensors[t].shape))
               for o, t in zip(outputs, op_outputs)):
            skipped[opname] += 1
            continue
        stem = "case_%04d" % number
        with open(os.path.join(out_dir, stem + ".tflite"), "wb") as f:
            f.write(model)
        for k, x in enumerate(inputs):
            with open(os.path.join(out_dir, "%s.in%d.bin" % (stem, k)), "wb") as f:
                f.write(np.ascontiguousarray(x).astype(x.dtype.newbyteorder("<")).tobytes())
        for k, o in enumerate(outputs):
            with open(os.path.join(out_dir, "%s.out%d.bin" % (stem, k)), "wb") as f:
                f.write(np.ascontiguousarray(o).astype(o.dtype.newbyteorder("<")).tobytes())
        index_lines.append('%s op=%s inputs=%d outputs=%d desc="%s"' % (
            stem, opname, len(inputs), len(outputs), desc))
        written[opname] += 1
        number += 1
    return number


# ---------------------------------------------------------------------------------------------
# Models TFLM refuses (in prepare or invoke). TFMicro must refuse them too, with an error.

def invalid_models(g):
    """(opname, desc, tensors, op_inputs, opcode, options_type, options_fn, inputs)."""
    geo = dict(padding=1, sh=1, sw=1, dh=1, dw=1)
    q = lambda s, z=0: dict(scale=[s], zero_point=[z])  # noqa: E731
    x8 = g.ints(TT.INT8, [1, 4, 4, 2])
    xf = g.floats([1, 4, 4, 2])
    f8 = g.ints(TT.INT8, [3, 2, 2, 2], -127, 127)
    items = [
        ("CONV_2D", "hybrid: float32 input with int8 filter",
         [Tensor([1, 4, 4, 2], TT.FLOAT32), Tensor([3, 2, 2, 2], TT.INT8, f8, **q(0.02)),
          Tensor([1, 3, 3, 3], TT.FLOAT32)], [0, 1], Op.CONV_2D, Opt.Conv2DOptions,
         conv_options(geo, 0), [xf]),
        ("CONV_2D", "int8 input with float32 output",
         [Tensor([1, 4, 4, 2], TT.INT8, **q(0.1)), Tensor([3, 2, 2, 2], TT.INT8, f8, **q(0.02)),
          Tensor([1, 3, 3, 3], TT.FLOAT32)], [0, 1], Op.CONV_2D, Opt.Conv2DOptions,
         conv_options(geo, 0), [x8]),
        ("CONV_2D", "int8 filter with 2 scales for 3 output channels",
         [Tensor([1, 4, 4, 2], TT.INT8, **q(0.1)),
          Tensor([3, 2, 2, 2], TT.INT8, f8, scale=[0.02, 0.03], zero_point=[0, 0]),
          Tensor([1, 3, 3, 3], TT.INT8, **q(0.5))], [0, 1], Op.CONV_2D, Opt.Conv2DOptions,
         conv_options(geo, 0), [x8]),
        ("QUANTIZE", "per-channel output quantization",
         [Tensor([2, 3], TT.FLOAT32), Tensor([2, 3], TT.INT8, scale=[0.1, 0.2], zero_point=[0, 0])],
         [0], Op.QUANTIZE, None, None, [g.floats([2, 3])]),
        ("QUANTIZE", "float32 to uint8",
         [Tensor([2, 3], TT.FLOAT32), Tensor([2, 3], TT.UINT8, **q(0.1, 128))],
         [0], Op.QUANTIZE, None, None, [g.floats([2, 3])]),
        ("QUANTIZE", "int32 to int32",
         [Tensor([2, 3], TT.INT32, **q(0.1)), Tensor([2, 3], TT.INT32, **q(0.2))],
         [0], Op.QUANTIZE, None, None, [g.ints(TT.INT32, [2, 3], -100, 100)]),
        ("DEQUANTIZE", "float32 input",
         [Tensor([2, 3], TT.FLOAT32), Tensor([2, 3], TT.FLOAT32)],
         [0], Op.DEQUANTIZE, None, None, [g.floats([2, 3])]),
        ("DEQUANTIZE", "int8 output",
         [Tensor([2, 3], TT.INT8, **q(0.1)), Tensor([2, 3], TT.INT8, **q(0.1))],
         [0], Op.DEQUANTIZE, None, None, [g.ints(TT.INT8, [2, 3])]),
        ("FULLY_CONNECTED", "hybrid: float32 input with int8 weights",
         [Tensor([1, 4], TT.FLOAT32), Tensor([2, 4], TT.INT8, g.ints(TT.INT8, [2, 4]), **q(0.02)),
          Tensor([1, 2], TT.FLOAT32)], [0, 1], Op.FULLY_CONNECTED, None, None, [g.floats([1, 4])]),
        ("SOFTMAX", "int8 output with zero point 0",
         [Tensor([1, 5], TT.INT8, **q(0.1)), Tensor([1, 5], TT.INT8, **q(1.0 / 256))],
         [0], Op.SOFTMAX, Opt.SoftmaxOptions, lambda b: (fbSoftmax.Start(b), fbSoftmax.End(b))[1],
         [g.ints(TT.INT8, [1, 5])]),
    ]
    return items


def write_invalid(g, out_dir):
    lines = []
    for k, (opname, desc, tensors, op_inputs, opcode, opt_type, opt_fn, inputs) in \
            enumerate(invalid_models(g)):
        model, _ = build_model(opcode, 1, tensors, op_inputs, [len(tensors) - 1], opt_type, opt_fn)
        try:
            run_tflm(model, inputs)
        except RuntimeError:
            stem = "invalid_%02d" % k
            with open(os.path.join(out_dir, stem + ".tflite"), "wb") as f:
                f.write(model)
            lines.append('%s op=%s desc="%s"' % (stem, opname, desc))
            continue
        print("gen_kernels: TFLM accepted the invalid model %s (%s); not recorded" % (opname, desc))
    with open(os.path.join(out_dir, "invalid.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("gen_kernels: %d models TFLM rejects in %s" % (len(lines), out_dir))


def main():
    ap = argparse.ArgumentParser(
        description="Write single-operator .tflite cases with TFLM's outputs to OUT/kernels/.")
    ap.add_argument("--shared", required=True, help="the shared data folder (unused here)")
    ap.add_argument("--out", required=True, help="golden root; cases go to OUT/kernels/")
    args = ap.parse_args()
    out_dir = os.path.join(args.out, "kernels")
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        if name.startswith(("case_", "invalid_")) or name in ("index.txt", "invalid.txt"):
            os.remove(os.path.join(out_dir, name))

    g = Gen(SEED)
    written = collections.Counter()
    skipped = collections.Counter()
    index_lines = []
    number = 0
    for builder, arg in plan():
        (opname, tensors, op_inputs, op_outputs, opcode, version, opt_type, opt_fn, inputs,
         desc) = builder(g, arg)
        model, graph_inputs = build_model(opcode, version, tensors, op_inputs, op_outputs,
                                          opt_type, opt_fn)
        try:
            output = run_tflm(model, inputs)
        except RuntimeError:
            skipped[opname] += 1
            continue
        expected = tensors[op_outputs[0]]
        if output.dtype != NP_TYPES[expected.ttype] or output.size != int(np.prod(expected.shape)):
            skipped[opname] += 1
            continue
        stem = "case_%04d" % number
        with open(os.path.join(out_dir, stem + ".tflite"), "wb") as f:
            f.write(model)
        for k, x in enumerate(inputs):
            with open(os.path.join(out_dir, "%s.in%d.bin" % (stem, k)), "wb") as f:
                f.write(np.ascontiguousarray(x).astype(x.dtype.newbyteorder("<")).tobytes())
        with open(os.path.join(out_dir, stem + ".out0.bin"), "wb") as f:
            f.write(np.ascontiguousarray(output).astype(output.dtype.newbyteorder("<")).tobytes())
        index_lines.append('%s op=%s inputs=%d outputs=1 desc="%s"' % (
            stem, opname, len(inputs), desc))
        written[opname] += 1
        number += 1
    number = write_streaming_cases(out_dir, number, index_lines, written, skipped)
    number = write_streaming_cases(out_dir, number, index_lines, written, skipped, COLUMN_SEED, column_plan)
    number = write_streaming_cases(out_dir, number, index_lines, written, skipped, MATRIX_SEED, matrix_plan)
    with open(os.path.join(out_dir, "index.txt"), "w") as f:
        f.write("\n".join(index_lines) + "\n")
    for op in sorted(set(written) | set(skipped)):
        print("gen_kernels: %-18s %4d cases, %d rejected by TFLM and skipped" % (
            op, written[op], skipped[op]))
    print("gen_kernels: %d cases in %s" % (number, out_dir))
    write_invalid(g, out_dir)


if __name__ == "__main__":
    main()
