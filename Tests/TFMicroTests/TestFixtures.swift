import TFMicro
import XCTest

/// An arena owned by a test.
final class TestArena {
    let buffer: UnsafeMutableRawBufferPointer
    init(_ count: Int) { buffer = .allocate(byteCount: count, alignment: 16) }
    deinit { buffer.deallocate() }
}

/// A model's bytes in 16-byte-aligned memory owned by a test (models are read in place).
final class TestModel {
    let bytes: UnsafeRawBufferPointer
    init(_ data: Data) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
        data.copyBytes(to: copy)
        bytes = UnsafeRawBufferPointer(copy)
    }
    deinit { bytes.deallocate() }
}

extension Interpreter {
    /// Copies chunk `k` of `sequence`, consecutive chunks of input 0's size (a golden input
    /// sequence), into input 0.
    func loadInput(_ k: Int, of sequence: Data) {
        let input = input(0).bytes
        sequence.withUnsafeBytes { input.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[k * input.count ..< (k + 1) * input.count])) }
    }
}
