/// Tensor dimensions, stored inline (no allocation). TFLM's RuntimeShape likewise keeps up
/// to 6 dimensions without allocating.
public struct Shape: Equatable, Sendable {
    public static let maxRank = 6

    @usableFromInline var dims: InlineArray<6, Int32>
    // Int32 rather than Int keeps a shape at 28 bytes (the interpreter keeps one per tensor).
    @usableFromInline var storedRank: Int32

    public var rank: Int { Int(storedRank) }

    public init() {
        storedRank = 0
        dims = InlineArray(repeating: 0)
    }

    /// A shape from explicit dimensions; nil when there are more than `maxRank` or any is negative.
    public init?<C: Collection>(_ dimensions: C) where C.Element == Int32 {
        guard dimensions.count <= Self.maxRank else { return nil }
        self.init()
        for d in dimensions {
            guard d >= 0 else { return nil }
            dims[rank] = d
            storedRank += 1
        }
    }

    @inlinable
    public subscript(_ axis: Int) -> Int {
        precondition(axis >= 0 && axis < rank, "Shape axis out of range")
        return Int(dims[axis])
    }

    /// Product of all dimensions (1 for a scalar). Dimensions were validated when the
    /// interpreter computed byte sizes, so this cannot overflow for tensors it planned.
    public var elementCount: Int {
        var n = 1
        for i in 0 ..< rank { n = n &* Int(dims[i]) }
        return n
    }

    /// Element count with overflow detection, used when validating model shapes.
    public var checkedElementCount: Int? {
        var n = 1
        for i in 0 ..< rank {
            let (p, overflow) = n.multipliedReportingOverflow(by: Int(dims[i]))
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// Product of every dimension except `axis` (TFLM's FlatSizeSkipDim).
    public func elementCount(skipping axis: Int) -> Int {
        var n = 1
        for i in 0 ..< rank where i != axis { n = n &* Int(dims[i]) }
        return n
    }

    public static func == (lhs: Shape, rhs: Shape) -> Bool {
        guard lhs.rank == rhs.rank else { return false }
        for i in 0 ..< lhs.rank where lhs.dims[i] != rhs.dims[i] { return false }
        return true
    }
}
