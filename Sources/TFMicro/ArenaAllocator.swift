/// Splits the caller's arena like TFLM's allocator: persistent data (tensor and operator
/// records, kernels' op data) grows down from the end; the planned tensors and scratch
/// buffers live at the start, at offsets the memory planner chose.
///
/// With a persistent arena of the caller's own (TFLM's two-arena allocator), every persistent
/// allocation but the operators' functions goes there instead, from its start up (see
/// `Interpreter.init(model:resolver:arena:persistentArena:preservingInputs:)`).
struct ArenaAllocator {
    static let alignment = 16

    let arena: UnsafeMutableRawBufferPointer
    /// Offset of the first aligned byte (the caller's buffer need not be aligned).
    let headStart: Int
    /// Offset where persistent allocations currently start.
    private(set) var tailStart: Int
    /// Bytes at the head start lent out temporarily (scratch requests during prepare).
    private(set) var headReserved = 0
    /// The caller's persistent arena, nil when persistent data lives in the arena's tail.
    private(set) var separate: UnsafeMutableRawBufferPointer?
    /// Bytes of `separate` handed out, alignment padding included.
    private(set) var separateUsed = 0

    init(_ arena: UnsafeMutableRawBufferPointer, persistentArena: UnsafeMutableRawBufferPointer? = nil) {
        self.arena = arena
        let address = Int(bitPattern: arena.baseAddress)
        let misalignment = address & (Self.alignment - 1)
        let start = misalignment == 0 ? 0 : Self.alignment - misalignment
        headStart = min(start, arena.count)
        tailStart = arena.count
        separate = persistentArena?.baseAddress == nil ? nil : persistentArena
    }

    /// Bytes taken by persistent allocations in the arena's tail, alignment padding included.
    var persistentByteCount: Int { arena.count - tailStart }

    /// Bytes available for planned buffers.
    var headCapacity: Int { tailStart - headStart - headReserved }

    /// Memory for data that lives as long as the interpreter: from the persistent arena when
    /// there is one, else from the tail; nil when it does not fit.
    mutating func allocatePersistent(byteCount: Int, alignment: Int = alignment) -> UnsafeMutableRawPointer? {
        guard let separate else { return allocateTail(byteCount: byteCount, alignment: alignment) }
        guard byteCount >= 0, alignment > 0, alignment & (alignment - 1) == 0, let base = separate.baseAddress else { return nil }
        let start = (Int(bitPattern: base) &+ separateUsed &+ alignment &- 1) & ~(alignment - 1)
        let offset = start - Int(bitPattern: base)
        guard offset <= separate.count, byteCount <= separate.count - offset else { return nil }
        separateUsed = offset + byteCount
        return base + offset
    }

    /// Memory from the arena's tail (always RAM), or nil when it does not fit above the head start.
    mutating func allocateTail(byteCount: Int, alignment: Int = alignment) -> UnsafeMutableRawPointer? {
        guard byteCount >= 0, let base = arena.baseAddress, alignment > 0, alignment & (alignment - 1) == 0 else { return nil }
        let top = Int(bitPattern: base) &+ tailStart
        guard byteCount <= tailStart - headStart - headReserved else { return nil }
        let start = (top - byteCount) & ~(alignment - 1)
        let offset = start - Int(bitPattern: base)
        guard offset >= headStart + headReserved else { return nil }
        tailStart = offset
        return base + offset
    }

    /// Puts every later persistent allocation in the arena's tail.
    mutating func dropPersistentArena() { separate = nil }

    /// Lends `byteCount` more bytes at the head start (contiguous with earlier loans), or nil.
    mutating func reserveHead(byteCount: Int) -> UnsafeMutableRawPointer? {
        guard byteCount >= 0, byteCount <= headCapacity, let head = headBase else { return nil }
        let p = head + headReserved
        headReserved += byteCount
        return p
    }

    /// Returns every head loan (their contents may then be overwritten).
    mutating func releaseHead() { headReserved = 0 }

    /// Start of the head region (planned buffers are placed relative to it).
    var headBase: UnsafeMutableRawPointer? { arena.baseAddress.map { $0 + headStart } }
}
