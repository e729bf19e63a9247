/// Bounds-checked, zero-copy access to a flatbuffer held in memory the caller owns.
///
/// Every read checks its range against the buffer, with arithmetic done in `Int64` so that
/// hostile offsets cannot overflow the 32-bit `Int` of a Cortex-M. Nothing is copied: vectors
/// and strings are returned as positions into the buffer.
///
/// The readers are `@inline(never)`: they run only while a model loads and kernels prepare,
/// so inlining their checks and error paths into every caller would spend firmware flash on
/// code that is not on the invoke path.
@usableFromInline
struct FlatBuffer: BitwiseCopyable {
    @usableFromInline let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var count: Int { bytes.count }

    @inline(__always)
    func check(_ position: Int64, size: Int64, _ field: StaticString) throws(ModelError) {
        guard position >= 0, size >= 0, position + size <= Int64(bytes.count) else {
            throw ModelError(.outOfBounds, field, at: Int(clamping: position))
        }
    }

    func u8(_ position: Int, _ field: StaticString) throws(ModelError) -> UInt8 {
        try check(Int64(position), size: 1, field)
        return bytes[position]
    }

    func u16(_ position: Int, _ field: StaticString) throws(ModelError) -> UInt16 {
        try check(Int64(position), size: 2, field)
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self))
    }

    func u32(_ position: Int, _ field: StaticString) throws(ModelError) -> UInt32 {
        try check(Int64(position), size: 4, field)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    func u64(_ position: Int, _ field: StaticString) throws(ModelError) -> UInt64 {
        try check(Int64(position), size: 8, field)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// Follows the unsigned offset stored at `position` (flatbuffer `uoffset_t`).
    @inline(never)
    func follow(_ position: Int, _ field: StaticString) throws(ModelError) -> Int {
        let target = Int64(position) + Int64(try u32(position, field))
        try check(target, size: 4, field)
        return Int(target)
    }

    /// The table whose start is at `position`, with its vtable validated.
    @inline(never)
    func table(at position: Int, _ field: StaticString) throws(ModelError) -> Table {
        let soffset = Int64(Int32(bitPattern: try u32(position, field)))
        let vtable = Int64(position) - soffset
        try check(vtable, size: 4, field)
        let vtableSize = Int(try u16(Int(vtable), field))
        let tableSize = Int(try u16(Int(vtable) + 2, field))
        guard vtableSize >= 4, vtableSize % 2 == 0, tableSize >= 4 else {
            throw ModelError(.invalidVTable, field, at: Int(vtable))
        }
        try check(vtable, size: Int64(vtableSize), field)
        try check(Int64(position), size: Int64(tableSize), field)
        return Table(position: position, vtable: Int(vtable), vtableSize: UInt16(vtableSize), tableSize: UInt16(tableSize))
    }

    /// Position of field `slot` inside `table`, or nil when the field is absent (default value).
    /// The field's `size` bytes must lie inside the table.
    @inline(never)
    func fieldPosition(_ table: Table, _ slot: Int, size: Int, _ field: StaticString) throws(ModelError) -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= Int(table.vtableSize) else { return nil }
        let offset = Int(try u16(table.vtable + entry, field))
        guard offset != 0 else { return nil }
        guard offset >= 4, offset + size <= Int(table.tableSize) else {
            throw ModelError(.outOfBounds, field, at: table.position)
        }
        return table.position + offset
    }

    @inline(never)
    func scalarU8(_ table: Table, _ slot: Int, default value: UInt8, _ field: StaticString) throws(ModelError) -> UInt8 {
        guard let p = try fieldPosition(table, slot, size: 1, field) else { return value }
        return try u8(p, field)
    }

    @inline(never)
    func scalarI32(_ table: Table, _ slot: Int, default value: Int32, _ field: StaticString) throws(ModelError) -> Int32 {
        guard let p = try fieldPosition(table, slot, size: 4, field) else { return value }
        return Int32(bitPattern: try u32(p, field))
    }

    @inline(never)
    func scalarU32(_ table: Table, _ slot: Int, default value: UInt32, _ field: StaticString) throws(ModelError) -> UInt32 {
        guard let p = try fieldPosition(table, slot, size: 4, field) else { return value }
        return try u32(p, field)
    }

    @inline(never)
    func scalarU64(_ table: Table, _ slot: Int, default value: UInt64, _ field: StaticString) throws(ModelError) -> UInt64 {
        guard let p = try fieldPosition(table, slot, size: 8, field) else { return value }
        return try u64(p, field)
    }

    @inline(never)
    func scalarF32(_ table: Table, _ slot: Int, default value: Float, _ field: StaticString) throws(ModelError) -> Float {
        guard let p = try fieldPosition(table, slot, size: 4, field) else { return value }
        return Float(bitPattern: try u32(p, field))
    }

    @inline(never)
    func subtable(_ table: Table, _ slot: Int, _ field: StaticString) throws(ModelError) -> Table? {
        guard let p = try fieldPosition(table, slot, size: 4, field) else { return nil }
        return try self.table(at: try follow(p, field), field)
    }

    /// A vector of fixed-size elements; nil when absent.
    @inline(never)
    func vector(_ table: Table, _ slot: Int, elementSize: Int, _ field: StaticString) throws(ModelError) -> VectorPosition? {
        guard let p = try fieldPosition(table, slot, size: 4, field) else { return nil }
        let start = try follow(p, field)
        let count = Int64(try u32(start, field))
        try check(Int64(start) + 4, size: count * Int64(elementSize), field)
        return VectorPosition(start: start + 4, count: Int(count))
    }

    /// The `index`-th table of a vector of tables.
    @inline(never)
    func table(in vector: VectorPosition, at index: Int, _ field: StaticString) throws(ModelError) -> Table {
        guard index >= 0, index < vector.count else { throw ModelError(.indexOutOfRange, field, at: vector.start) }
        return try table(at: try follow(vector.start + 4 * index, field), field)
    }

    /// A NUL-terminated string field; nil when absent.
    @inline(never)
    func string(_ table: Table, _ slot: Int, _ field: StaticString) throws(ModelError) -> StringView? {
        guard let v = try vector(table, slot, elementSize: 1, field) else { return nil }
        try check(Int64(v.start) + Int64(v.count), size: 1, field)
        guard bytes[v.start + v.count] == 0 else { throw ModelError(.unterminatedString, field, at: v.start) }
        return StringView(bytes: UnsafeRawBufferPointer(rebasing: bytes[v.start ..< v.start + v.count]))
    }

    func int32Vector(_ v: VectorPosition?) -> Int32Vector {
        guard let v else { return Int32Vector(base: nil, count: 0) }
        return Int32Vector(base: bytes.baseAddress! + v.start, count: v.count)
    }
}

@usableFromInline
struct Table: BitwiseCopyable {
    let position: Int
    let vtable: Int
    // The sizes are the vtable's 16-bit fields; kept at that width so a Table is three words
    // and every reader taking one passes it in registers.
    let vtableSize: UInt16
    let tableSize: UInt16
}

@usableFromInline
struct VectorPosition: BitwiseCopyable {
    let start: Int
    let count: Int
}

/// A validated vector of little-endian int32 inside the model (shapes, tensor indices).
/// (In these vectors the byte offset of an index below `count` cannot overflow: the whole
/// vector was checked to lie inside the buffer, hence the wrapping multiply.)
public struct Int32Vector: RandomAccessCollection, BitwiseCopyable {
    @usableFromInline let base: UnsafeRawPointer?
    public let count: Int

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(i: Int) -> Int32 {
        precondition(i >= 0 && i < count, "Int32Vector index out of range")
        return Int32(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: 4 &* i, as: Int32.self))
    }
}

/// A validated vector of little-endian float32 inside the model (quantization scales).
public struct Float32Vector: RandomAccessCollection {
    @usableFromInline let base: UnsafeRawPointer?
    public let count: Int

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(i: Int) -> Float {
        precondition(i >= 0 && i < count, "Float32Vector index out of range")
        return Float(bitPattern: UInt32(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self)))
    }
}

/// A validated vector of little-endian int64 inside the model (quantization zero points).
public struct Int64Vector: RandomAccessCollection {
    @usableFromInline let base: UnsafeRawPointer?
    public let count: Int

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(i: Int) -> Int64 {
        precondition(i >= 0 && i < count, "Int64Vector index out of range")
        return Int64(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: 8 &* i, as: Int64.self))
    }
}

/// A string inside the model, as its UTF-8 bytes (no copy).
public struct StringView {
    public let bytes: UnsafeRawBufferPointer

    /// Copies the bytes into a `String` (host use: tools, error reports).
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}
