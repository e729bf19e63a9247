/// STRIDED_SLICE with constant begin/end/strides, as TFLM's strided_slice.cc and the
/// reference StridedSlice (indices padded to 5-D). ellipsis_mask, new_axis_mask and offset
/// are ignored, as TFLM ignores them. Elements are copied as bytes, so every type TFLM
/// supports (float32, int8, int16, int32, bool) shares one path.
public enum StridedSlice {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .stridedSlice, prepare: prepare, invoke: invoke, opDataReadByPlanning: true)
    }

    static let maxInputRank = 4

    /// Per padded axis: first index, stop (exclusive, in the stride's direction), stride,
    /// and the input's element stride.
    struct OpData: BitwiseCopyable {
        var start: InlineArray<5, Int32>
        var stop: InlineArray<5, Int32>
        var stride: InlineArray<5, Int32>
        var inputStride: InlineArray<5, Int>
        var elementSize: Int
        /// When the slice is one contiguous run of the input (unit strides, every axis inside
        /// the outermost sliced one taken whole): its first byte and its length, else nil.
        var contiguousRun: (offset: Int, bytes: Int)?
    }

    /// The slice parameters as TFLM's StridedSliceParams.
    struct SliceParams {
        var count: Int
        var start: InlineArray<5, Int32>
        var stop: InlineArray<5, Int32>
        var stride: InlineArray<5, Int32>
        var beginMask: Int32
        var endMask: Int32
        var shrinkAxisMask: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.inputCount == 4 else { throw KernelError("STRIDED_SLICE takes exactly 4 inputs") }
        guard context.outputCount == 1 else { throw KernelError("STRIDED_SLICE has exactly 1 output") }
        let data = try opData(
            input: context.input(0), begin: context.input(1), end: context.input(2), strides: context.input(3),
            options: context.options, output: context.output(0))
        try context.setOpData(data)
    }

    /// The checked slice parameters of `input` sliced into `output`: prepare's work, and what
    /// the planner asks to find slices that are one run of their input (`contiguousRun`).
    static func opData(
        input: TensorView, begin: TensorView, end: TensorView, strides: TensorView, options: BuiltinOptions,
        output: TensorView
    ) throws(KernelError) -> OpData {
        guard input.shape.rank <= maxInputRank else { throw KernelError("STRIDED_SLICE input rank above 4", tensor: input.index) }
        guard input.type == output.type else { throw KernelError("STRIDED_SLICE input and output types differ", tensor: output.index) }
        let elementSize: Int
        switch input.type {
        case .float32, .int32: elementSize = 4
        case .int16: elementSize = 2
        case .int8, .bool: elementSize = 1
        default: throw KernelError("STRIDED_SLICE supports float32, int8, int16, int32, bool", tensor: input.index)
        }
        let rank = input.shape.rank
        var p = SliceParams(
            count: rank, start: .init(repeating: 0), stop: .init(repeating: 0), stride: .init(repeating: 0),
            beginMask: 0, endMask: 0, shrinkAxisMask: 0)
        for slot in 1 ... 3 {
            let t = slot == 1 ? begin : slot == 2 ? end : strides
            guard t.isConstant, let data = t.data else {
                throw KernelError("STRIDED_SLICE begin, end and strides must be constant", tensor: t.index)
            }
            guard t.type == .int32, t.shape.elementCount >= rank else {
                throw KernelError("STRIDED_SLICE begin, end and strides must be int32 with one value per input axis", tensor: t.index)
            }
            for i in 0 ..< rank {
                let v = data.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)
                switch slot {
                case 1: p.start[i] = v
                case 2: p.stop[i] = v
                default: p.stride[i] = v
                }
            }
        }
        // StridedSliceOptions: begin_mask (0), end_mask (1), shrink_axis_mask (4).
        do {
            p.beginMask = try options.int32Field(0, default: 0)
            p.endMask = try options.int32Field(1, default: 0)
            p.shrinkAxisMask = try options.int32Field(4, default: 0)
        } catch { throw KernelError(error) }
        for i in 0 ..< rank where p.stride[i] == 0 { throw KernelError("STRIDED_SLICE stride value has to be non-zero") }
        try checkOutputShape(p, input: input.shape, output: output)

        // The reference pads to 5-D (leading axes of size 1) and walks the padded axes.
        let padded = padTo5D(p)
        var dims = InlineArray<5, Int32>(repeating: 1)
        for i in 0 ..< rank { dims[5 - rank + i] = Int32(input.shape[i]) }
        var data = OpData(
            start: .init(repeating: 0), stop: .init(repeating: 0), stride: padded.stride,
            inputStride: .init(repeating: 1), elementSize: elementSize, contiguousRun: nil)
        var written = 1
        for axis in 0 ..< 5 {
            data.start[axis] = startForAxis(padded, size: dims[axis], axis: axis)
            data.stop[axis] = endForAxis(padded, size: dims[axis], axis: axis, start: data.start[axis])
            var n = 0
            var i = data.start[axis]
            while padded.stride[axis] > 0 ? i < data.stop[axis] : i > data.stop[axis] { n += 1; i &+= padded.stride[axis] }
            written *= n
        }
        for axis in stride(from: 3, through: 0, by: -1) { data.inputStride[axis] = data.inputStride[axis + 1] * Int(dims[axis + 1]) }
        // The loops write exactly this many elements. Fewer than the output holds happens when
        // a shrunk axis's index is outside the axis or its stride is negative: TFLM then leaves
        // output elements unwritten, which is refused here rather than reproduced.
        data.contiguousRun = contiguousRun(data, dims: dims)
        guard written == output.shape.elementCount else {
            throw KernelError(
                "STRIDED_SLICE writes fewer elements than the output holds (shrunk axis index out of range or with a negative stride)",
                tensor: output.index)
        }
        return data
    }

    /// The slice as one run of input bytes, when it is one: walking the padded axes from the
    /// innermost, every axis is taken whole until the first one that is not; that axis has a
    /// unit stride, and every axis outside it selects a single index.
    static func contiguousRun(_ d: OpData, dims: InlineArray<5, Int32>) -> (offset: Int, bytes: Int)? {
        var axis = 4
        while axis > 0 && d.stride[axis] == 1 && d.start[axis] == 0 && d.stop[axis] == dims[axis] { axis -= 1 }
        guard d.stride[axis] == 1, d.stop[axis] >= d.start[axis] else { return nil }
        var offset = Int(d.start[axis]) * d.inputStride[axis]
        for outer in 0 ..< axis {
            guard d.stride[outer] > 0, d.stop[outer] == d.start[outer] + 1 else { return nil }
            offset += Int(d.start[outer]) * d.inputStride[outer]
        }
        let elements = Int(d.stop[axis] - d.start[axis]) * d.inputStride[axis]
        return (offset * d.elementSize, elements * d.elementSize)
    }

    // Inlined into the registration's closure, its one caller: a separate function cost a
    // forwarding call per operator (13 instructions, callgrind).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        let d = context.opData(as: OpData.self)
        let source = UnsafeRawPointer(context.inputData(0))
        var target = context.outputData(0)
        if let run = d.contiguousRun {
            // The planner may have placed the output on the run itself (see
            // Interpreter+Aliasing.swift): the bytes are already there.
            if UnsafeRawPointer(target) != source + run.offset {
                target.copyMemory(from: source + run.offset, byteCount: run.bytes)
            }
            return
        }
        let size = d.elementSize
        func more(_ i: Int32, _ axis: Int) -> Bool { d.stride[axis] > 0 ? i < d.stop[axis] : i > d.stop[axis] }
        var i0 = d.start[0]
        while more(i0, 0) {
            var i1 = d.start[1]
            while more(i1, 1) {
                var i2 = d.start[2]
                while more(i2, 2) {
                    var i3 = d.start[3]
                    while more(i3, 3) {
                        let base =
                            Int(i0) * d.inputStride[0] + Int(i1) * d.inputStride[1] + Int(i2) * d.inputStride[2] + Int(i3)
                            * d.inputStride[3]
                        // A unit inner stride is one contiguous run, as the reference's WriteN.
                        if d.stride[4] == 1 {
                            let run = max(Int(d.stop[4]) - Int(d.start[4]), 0) * size
                            target.copyMemory(from: source + (base + Int(d.start[4])) * size, byteCount: run)
                            target += run
                        } else {
                            var i4 = d.start[4]
                            while more(i4, 4) {
                                target.copyMemory(from: source + (base + Int(i4)) * size, byteCount: size)
                                target += size
                                i4 &+= d.stride[4]
                            }
                        }
                        i3 &+= d.stride[3]
                    }
                    i2 &+= d.stride[2]
                }
                i1 &+= d.stride[1]
            }
            i0 &+= d.stride[0]
        }
    }

    /// TFLM's CheckOutputSize: the output's dims (shrunk axes removed) against the slice,
    /// each computed as ceil((end - begin) / float(stride)) clamped at 0.
    static func checkOutputShape(_ p: SliceParams, input: Shape, output: TensorView) throws(KernelError) {
        var outputAxis = 0
        for axis in 0 ..< p.count {
            let size = Int32(input[axis])
            let begin = sliceStart(p, size: size, axis: axis)
            var end = sliceStop(p, size: size, axis: axis, start: begin)
            let shrink = p.shrinkAxisMask & (1 << axis) != 0
            if shrink { end = begin + 1 }
            let extent = max(Int32((Float(end - begin) / Float(p.stride[axis])).rounded(.up)), 0)
            if !shrink {
                guard outputAxis < output.shape.rank, output.shape[outputAxis] == Int(extent) else {
                    throw KernelError("STRIDED_SLICE output shape does not match the slice", tensor: output.index)
                }
                outputAxis += 1
            }
        }
        guard output.shape.rank == outputAxis else {
            throw KernelError("STRIDED_SLICE output rank does not match the slice", tensor: output.index)
        }
    }

    // strided_slice_logic.h's StartForAxis / StopForAxis (used by the output size check).
    static func sliceStart(_ p: SliceParams, size: Int32, axis: Int) -> Int32 {
        if size == 0 { return 0 }
        var start = p.start[axis]
        if p.beginMask & (1 << axis) != 0 { start = p.stride[axis] > 0 ? Int32.min : Int32.max }
        if start < 0 { start &+= size }
        return p.stride[axis] > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1)
    }

    static func sliceStop(_ p: SliceParams, size: Int32, axis: Int, start: Int32) -> Int32 {
        if size == 0 { return 0 }
        if p.shrinkAxisMask & (1 << axis) != 0 { return start + 1 }
        var stop = p.stop[axis]
        if p.endMask & (1 << axis) != 0 { stop = p.stride[axis] > 0 ? Int32.max : Int32.min }
        if stop < 0 { stop &+= size }
        return p.stride[axis] > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1)
    }

    // StridedSlicePadIndices, StridedSliceStartForAxis, StridedSliceEndForAxis (the loop bounds).
    static func padTo5D(_ p: SliceParams) -> SliceParams {
        let pad = 5 - p.count
        var q = p
        q.count = 5
        for i in 0 ..< 5 {
            if i < pad {
                q.start[i] = 0
                q.stop[i] = 1
                q.stride[i] = 1
            } else {
                q.start[i] = p.start[i - pad]
                q.stop[i] = p.stop[i - pad]
                q.stride[i] = p.stride[i - pad]
            }
        }
        let low = Int32((1 << pad) - 1)
        q.shrinkAxisMask = p.shrinkAxisMask << pad
        q.beginMask = (p.beginMask << pad) | low
        q.endMask = (p.endMask << pad) | low
        return q
    }

    static func startForAxis(_ p: SliceParams, size: Int32, axis: Int) -> Int32 {
        var start = p.start[axis]
        let stride = p.stride[axis]
        if start < 0 { start &+= size }
        start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1)
        if p.beginMask & (1 << axis) != 0 { start = stride > 0 ? 0 : size - 1 }
        return start
    }

    static func endForAxis(_ p: SliceParams, size: Int32, axis: Int, start: Int32) -> Int32 {
        if p.shrinkAxisMask & (1 << axis) != 0 { return start >= size ? start : start + 1 }
        var end = p.stop[axis]
        let stride = p.stride[axis]
        if end < 0 { end &+= size }
        end = stride > 0 ? clamp(end, 0, size) : clamp(end, -1, size - 1)
        if p.endMask & (1 << axis) != 0 { end = stride > 0 ? size : -1 }
        return end
    }

    static func clamp(_ v: Int32, _ lo: Int32, _ hi: Int32) -> Int32 {
        if hi < v { return hi }
        if v < lo { return lo }
        return v
    }
}
