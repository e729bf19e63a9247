import AudioFrontend
import TestSupport
import XCTest

/// A frontend over precomputed, read-only tables (what the firmware links into flash) gives
/// the same frames as one that computes its tables, and rejects tables of the wrong shape.
final class PrecomputedTablesTests: XCTestCase {
    /// A frontend over a copy of `source`'s tables, with its own state storage.
    private final class TableFrontend {
        var frontend: Frontend
        private let tableCopies: [UnsafeMutableRawBufferPointer]
        private let storage: UnsafeMutableRawBufferPointer
        /// Exceptions to the quarter-form window's symmetries (`compact`; nil where the
        /// window has no quarter form and stays whole).
        private(set) var exceptionCount: Int?

        /// With `compact`, the firmware's layout: the window in quarter form, the FFT's sines without
        /// its twiddle tables (the scalar kernels then) and the filterbank's weights packed into
        /// one table (asserting they can be).
        init(config: FrontendConfig, copying source: Frontend, compact: Bool = false) throws {
            var copies: [UnsafeMutableRawBufferPointer] = []
            func copy<T>(_ table: UnsafeBufferPointer<T>) -> UnsafeBufferPointer<T> {
                let bytes = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: max(1, table.count * MemoryLayout<T>.stride), alignment: MemoryLayout<T>.alignment)
                copies.append(bytes)
                let typed = bytes.bindMemory(to: T.self)
                _ = typed.initialize(from: table)
                return UnsafeBufferPointer(rebasing: typed[0 ..< table.count])
            }
            var tables = FrontendTables(of: source)
            let quarter = UnsafeMutableBufferPointer<Int16>.allocate(capacity: tables.windowCoefficients.count)
            copies.append(UnsafeMutableRawBufferPointer(quarter))
            if compact, let written = FrontendTables.quarterWindow(tables.windowCoefficients, into: quarter) {
                exceptionCount = (written - HannWindow.quarterCount(size: tables.windowCoefficients.count)) / 2
                tables.windowCoefficients = UnsafeBufferPointer(rebasing: quarter[0 ..< written])
            } else {
                tables.windowCoefficients = copy(tables.windowCoefficients)
            }
            if compact {
                tables.twiddles = UnsafeBufferPointer(start: nil, count: 0)
                tables.splitTwiddles = UnsafeBufferPointer(start: nil, count: 0)
            } else {
                tables.twiddles = copy(tables.twiddles)
                tables.splitTwiddles = copy(tables.splitTwiddles)
            }
            tables.sines = copy(tables.sines)
            tables.channelFrequencyStarts = copy(tables.channelFrequencyStarts)
            tables.channelWeightStarts = copy(tables.channelWeightStarts)
            tables.channelWidths = copy(tables.channelWidths)
            if compact {
                let packed = UnsafeMutableBufferPointer<Int16>.allocate(capacity: max(1, tables.weights.count))
                copies.append(UnsafeMutableRawBufferPointer(packed))
                let slice = UnsafeMutableBufferPointer(rebasing: packed[0 ..< tables.weights.count])
                XCTAssertTrue(FrontendTables.packWeights(tables.weights, tables.unweights, into: slice), "\(config)")
                tables.unweights = UnsafeBufferPointer(start: nil, count: 0)
                // Then without the padding or the starts.
                let widths = UnsafeMutableBufferPointer<Int16>.allocate(capacity: tables.channelWidths.count)
                let contiguous = UnsafeMutableBufferPointer<Int16>.allocate(capacity: max(1, slice.count))
                copies += [UnsafeMutableRawBufferPointer(widths), UnsafeMutableRawBufferPointer(contiguous)]
                let weightCount = try XCTUnwrap(
                    FrontendTables.contiguousChannels(
                        startIndex: tables.filterbankStartIndex, frequencyStarts: tables.channelFrequencyStarts,
                        weightStarts: tables.channelWeightStarts, widths: tables.channelWidths, packed: UnsafeBufferPointer(slice),
                        into: widths, contiguous), "\(config)")
                XCTAssertLessThan(weightCount, slice.count, "\(config): no padding left out")
                tables.weights = UnsafeBufferPointer(rebasing: contiguous[0 ..< weightCount])
                tables.channelWidths = UnsafeBufferPointer(widths)
                tables.channelFrequencyStarts = UnsafeBufferPointer(start: nil, count: 0)
                tables.channelWeightStarts = UnsafeBufferPointer(start: nil, count: 0)
            } else {
                tables.weights = copy(tables.weights)
                tables.unweights = copy(tables.unweights)
            }
            tables.pcanGainTable = tables.pcanGainTable.isEmpty ? tables.pcanGainTable : copy(tables.pcanGainTable)
            tables.logTable = copy(tables.logTable)
            tableCopies = copies
            let bytes = try Frontend.storageBytes(for: config, tables: tables)
            XCTAssertLessThan(bytes, try Frontend.storageBytes(for: config), "the tables are no longer in the storage")
            storage = .allocate(byteCount: bytes, alignment: 1)
            frontend = try Frontend(config: config, tables: tables, storage: storage, kernels: compact ? .scalar : .native)
        }

        deinit {
            storage.deallocate()
            tableCopies.forEach { $0.deallocate() }
        }

        func frames(_ samples: [Int16]) -> [UInt16] {
            var out: [UInt16] = []
            samples.withUnsafeBufferPointer { frontend.process($0) { out.append(contentsOf: $0) } }
            return out
        }
    }

    func testTablesGiveTheSameFramesAsComputedSetup() throws {
        var noPCAN = FrontendConfig.microSpeech
        noPCAN.pcan.isEnabled = false
        var noLog = FrontendConfig.microSpeech
        noLog.logScale.isEnabled = false
        var wide = FrontendConfig.microSpeech
        wide.windowMilliseconds = 64
        wide.channelCount = 80
        let clips = try ["tflm-testdata/yes_1000ms.wav", "tflm-testdata/no_1000ms.wav"].map { try TestData.sharedClip($0) }
        // A window whose symmetries break at several coefficients, 1052 samples (4), and an
        // odd one, 1091, which has no quarter form.
        var even = FrontendConfig.microSpeech
        even.sampleRate = 263_000
        even.windowMilliseconds = 4
        even.stepMilliseconds = 2
        var odd = FrontendConfig.microSpeech
        odd.sampleRate = 109_100
        odd.windowMilliseconds = 10
        odd.stepMilliseconds = 5
        var exceptionCounts: [Int?] = []
        for config in [FrontendConfig.microSpeech, .microWakeWord, noPCAN, noLog, wide, even, odd] {
            let computed = try TestFrontend(config: config)
            let fromTables = try TableFrontend(config: config, copying: computed.frontend)
            let fromPacked = try TableFrontend(config: config, copying: computed.frontend, compact: true)
            exceptionCounts.append(fromPacked.exceptionCount)
            for clip in clips {
                computed.frontend.reset()
                fromTables.frontend.reset()
                fromPacked.frontend.reset()
                let expected = computed.frames(of: clip)
                XCTAssertFalse(expected.isEmpty)
                XCTAssertEqual(fromTables.frames(clip), expected, "\(config)")
                XCTAssertEqual(fromPacked.frames(clip), expected, "\(config): compact tables")
            }
        }
        // micro_speech's 480-sample window breaks its symmetries three times (coefficients
        // 222, 257 and 462).
        XCTAssertEqual(exceptionCounts, [3, 3, 3, 3, 0, 4, nil])
    }

    /// The quarter-wave sines give back kissfft's twiddles (both tables, every entry the
    /// scalar kernels read) for every FFT size the frontend allows, and a changed sine or
    /// twiddle breaks the check.
    func testSinesReproduceTheTwiddlesOfEverySize() throws {
        for log2Size in 4 ... 12 {
            let size = 1 << log2Size
            let storage = UnsafeMutableRawBufferPointer.allocate(
                byteCount: FixedPointRealFFT.storageBytes(size: size), alignment: 16)
            defer { storage.deallocate() }
            let fft = try FixedPointRealFFT(size: size, storage: storage)
            var scratch = [Int16](repeating: 0, count: size)
            func reproduces() -> Bool {
                scratch.withUnsafeMutableBufferPointer {
                    FrontendTables.sinesReproduce(
                        UnsafeBufferPointer(fft.twiddles), UnsafeBufferPointer(fft.splitTwiddles),
                        from: UnsafeBufferPointer(fft.sines), scratch: $0)
                }
            }
            XCTAssertEqual(fft.sines.count, size / 4 + 1)
            XCTAssertTrue(reproduces(), "size \(size)")
            for index in [1, size / 8, size / 4 - 1] {
                fft.sines[index] &+= 1
                XCTAssertFalse(reproduces(), "size \(size), sine \(index)")
                fft.sines[index] &-= 1
            }
            // The last twiddle a stage reads (3k for the largest k), and the last split twiddle.
            for (table, index) in [(fft.twiddles, 3 * size / 8 - 3), (fft.splitTwiddles, size / 4 - 1)] {
                table[index].imaginary &+= 1
                XCTAssertFalse(reproduces(), "size \(size)")
                table[index].imaginary &-= 1
            }
        }
    }

    /// The contiguous form leaves out the padding and the starts, and only exists where each
    /// channel's weighed bins start where the one before's stop.
    func testContiguousChannelsLeaveOutPaddingAndNeedFollowingBins() {
        let starts: [Int16] = [2, 4, 4], weightStarts: [Int16] = [0, 4, 8], widths: [Int16] = [4, 4, 4]
        // Channel 0 weighs bins 3 and 4, channel 1 none, channel 2 bins 5...7.
        let packed: [Int16] = [-1, 100, 200, -1, -1, -1, -1, -1, -1, 300, 400, 500]
        var outWidths = [Int16](repeating: 9, count: 3)
        var outWeights = [Int16](repeating: 9, count: 12)
        func contiguous(startIndex: Int, _ starts: [Int16]) -> Int? {
            starts.withUnsafeBufferPointer { s in
                weightStarts.withUnsafeBufferPointer { w in
                    widths.withUnsafeBufferPointer { d in
                        packed.withUnsafeBufferPointer { p in
                            outWidths.withUnsafeMutableBufferPointer { ow in
                                outWeights.withUnsafeMutableBufferPointer { oweights in
                                    FrontendTables.contiguousChannels(
                                        startIndex: startIndex, frequencyStarts: s, weightStarts: w, widths: d, packed: p,
                                        into: ow, oweights)
                                }
                            }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(contiguous(startIndex: 3, starts), 5)
        XCTAssertEqual(outWidths, [2, 0, 3])
        XCTAssertEqual(Array(outWeights.prefix(5)), [100, 200, 300, 400, 500])
        XCTAssertNil(contiguous(startIndex: 2, starts), "the first weighed bin is not the start index")
        XCTAssertNil(contiguous(startIndex: 3, [2, 4, 6]), "channel 2 starts two bins late")
    }

    /// Packing keeps padding (both zero) and pairs summing to one (Q12); any other pair, or a
    /// mismatched count, keeps the two tables.
    func testPackingWeightsRefusesPairsItCannotDerive() {
        var packed = [Int16](repeating: 7, count: 3)
        func pack(_ weights: [Int16], _ unweights: [Int16]) -> Bool {
            weights.withUnsafeBufferPointer { w in
                unweights.withUnsafeBufferPointer { u in
                    packed.withUnsafeMutableBufferPointer { FrontendTables.packWeights(w, u, into: $0) }
                }
            }
        }
        XCTAssertTrue(pack([0, 0, 4096], [0, 4096, 0]))
        XCTAssertEqual(packed, [-1, 0, 4096])
        XCTAssertFalse(pack([0, 1000, 4096], [0, 3097, 0]))
        XCTAssertFalse(pack([0, 0, 4097], [0, 4096, -1]))
        XCTAssertFalse(pack([0, 0], [0, 4096]))
    }

    /// micro_speech's frontend over the tables of a computed one, with its state and scratch
    /// in buffers of their own (the firmware's layout).
    private final class SplitFrontend {
        let computed: TestFrontend
        let tables: FrontendTables
        let state: UnsafeMutableRawBufferPointer
        let scratch: UnsafeMutableRawBufferPointer
        let frontend: Frontend

        init() throws {
            computed = try TestFrontend(config: .microSpeech)
            tables = FrontendTables(of: computed.frontend)
            state = .allocate(byteCount: try Frontend.stateBytes(for: .microSpeech, tables: tables), alignment: 1)
            scratch = .allocate(byteCount: try Frontend.scratchBytes(for: .microSpeech, tables: tables), alignment: 1)
            frontend = try Frontend(config: .microSpeech, tables: tables, storage: state, scratch: scratch)
        }

        deinit { [state, scratch].forEach { $0.deallocate() } }
    }

    /// State and scratch apart: the scratch may be overwritten while `onFrame` runs (the
    /// firmware's model uses it then), also when samples arrive in chunks smaller than a step.
    func testScratchMayBeOverwrittenDuringTheFrameCallback() throws {
        let split = try SplitFrontend()
        let (computed, tables, state, scratch) = (split.computed, split.tables, split.state, split.scratch)
        XCTAssertLessThan(state.count, 1024, "the state is the overlap, the noise estimates and the frame")
        var frontend = split.frontend
        for name in ["tflm-testdata/yes_1000ms.wav", "tflm-testdata/no_1000ms.wav"] {
            let clip = try TestData.sharedClip(name)
            computed.frontend.reset()
            frontend.reset()
            let expected = computed.frames(of: clip)
            var got: [UInt16] = []
            clip.withUnsafeBufferPointer { all in
                for start in stride(from: 0, to: all.count, by: 100) {
                    frontend.process(UnsafeBufferPointer(rebasing: all[start ..< min(start + 100, all.count)])) { frame in
                        got.append(contentsOf: frame)
                        scratch.initializeMemory(as: UInt8.self, repeating: 0xA5)
                    }
                }
            }
            XCTAssertFalse(expected.isEmpty)
            XCTAssertEqual(got, expected, name)
        }
        let small = UnsafeMutableRawBufferPointer(rebasing: scratch[..<(scratch.count - 1)])
        XCTAssertThrowsError(try Frontend(config: .microSpeech, tables: tables, storage: state, scratch: small)) {
            XCTAssertEqual($0 as? FrontendError, .scratchTooSmall(required: scratch.count, provided: scratch.count - 1))
        }
    }

    /// `nextFrame` (frames without a callback, as the streaming spotter takes them) gives the
    /// frames of `process`, and the scratch is free from a returned frame until the next call.
    func testNextFrameGivesProcessFramesAndFreesTheScratchWhileAFrameIsOut() throws {
        let split = try SplitFrontend()
        let (computed, scratch) = (split.computed, split.scratch)
        var frontend = split.frontend
        let clip = try TestData.sharedClip("tflm-testdata/yes_1000ms.wav")
        computed.frontend.reset()
        let expected = computed.frames(of: clip)
        var got: [UInt16] = []
        clip.withUnsafeBufferPointer { all in
            var start = 0
            var chunk = 1
            while start < all.count {
                let samples = UnsafeBufferPointer(rebasing: all[start ..< min(start + chunk, all.count)])
                var offset = 0
                while let frame = frontend.nextFrame(from: samples, offset: &offset) {
                    got.append(contentsOf: frame)
                    scratch.initializeMemory(as: UInt8.self, repeating: 0x5A)
                }
                XCTAssertEqual(offset, samples.count, "every sample taken")
                start += chunk
                chunk = chunk % 397 + 53  // uneven chunks, some spanning several frames
            }
        }
        XCTAssertEqual(got.count, 49 * 40)
        XCTAssertEqual(got, expected)
    }

    func testTablesOfTheWrongShapeAreTypedErrors() throws {
        let source = try TestFrontend(config: .microSpeech)
        let good = FrontendTables(of: source.frontend)
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { storage.deallocate() }
        func assertRejected(
            _ problem: FrontendError.Table, config: FrontendConfig = .microSpeech,
            _ change: (inout FrontendTables) -> Void, line: UInt = #line
        ) {
            var tables = good
            change(&tables)
            XCTAssertThrowsError(try Frontend(config: config, tables: tables, storage: storage), line: line) {
                XCTAssertEqual($0 as? FrontendError, .tablesDoNotMatchConfig(problem), line: line)
            }
        }
        XCTAssertNoThrow(try Frontend(config: .microSpeech, tables: good, storage: storage))
        assertRejected(.window) { $0.windowCoefficients = UnsafeBufferPointer(rebasing: $0.windowCoefficients.dropLast()) }
        // Coefficients beyond Q12's one, where the windowed sample could leave int16.
        var window = Array(good.windowCoefficients)
        window[240] = 4097
        window.withUnsafeBufferPointer { changed in
            assertRejected(.window) { $0.windowCoefficients = changed }
        }
        // A quarter-form window: a quarter of it, then exceptions in pairs, ascending, past the quarter.
        let quarter = Array(good.windowCoefficients[0 ..< 120])
        for (exceptions, isValid) in [
            ([Int16](), true), ([462, 53], true), ([120, 53, 462, 53], true), ([462], false), ([119, 53], false),
            ([480, 53], false), ([470, 53, 462, 53], false), ([462, 4097], false),
        ] {
            try (quarter + exceptions).withUnsafeBufferPointer { compact in
                let change = { (tables: inout FrontendTables) in tables.windowCoefficients = compact }
                if isValid {
                    var tables = good
                    change(&tables)
                    XCTAssertNoThrow(try Frontend(config: .microSpeech, tables: tables, storage: storage), "\(exceptions)")
                } else {
                    assertRejected(.window, change)
                }
            }
        }
        assertRejected(.window) { $0.windowCoefficients = UnsafeBufferPointer(rebasing: $0.windowCoefficients[0 ..< 119]) }
        // An odd window has no quarter form.
        var odd = FrontendConfig.microSpeech
        odd.sampleRate = 109_100
        odd.windowMilliseconds = 10
        odd.stepMilliseconds = 5
        assertRejected(.window, config: odd) { $0.windowCoefficients = UnsafeBufferPointer(rebasing: $0.windowCoefficients[0 ..< 273]) }
        assertRejected(.fft) { $0.splitTwiddles = UnsafeBufferPointer(rebasing: $0.splitTwiddles.dropLast()) }
        assertRejected(.fft) { $0.sines = UnsafeBufferPointer(rebasing: $0.sines.dropLast()) }
        // Without twiddle tables only the scalar kernels can run.
        XCTAssertNoThrow(
            try Frontend(
                config: .microSpeech, tables: withoutTwiddles(good), storage: storage, kernels: .scalar))
        #if arch(x86_64) || arch(arm64)
        assertRejected(.fft) { $0 = withoutTwiddles($0) }
        #endif
        assertRejected(.fft) { $0.splitTwiddles = UnsafeBufferPointer(start: nil, count: 0) }
        // The first twiddle must be kissfft's exp(0), which the scalar first stage relies on.
        var sines = Array(good.sines)
        sines[128] = 32766
        sines.withUnsafeBufferPointer { changed in
            assertRejected(.fft) { $0.sines = changed }
        }
        var twiddles = Array(good.twiddles)
        twiddles[0] = ComplexInt16(real: 32766, imaginary: 0)
        twiddles.withUnsafeBufferPointer { changed in
            assertRejected(.fft) { $0.twiddles = changed }
        }
        assertRejected(.filterbank) { $0.unweights = UnsafeBufferPointer(rebasing: $0.unweights.dropLast()) }
        assertRejected(.filterbank) { $0.filterbankEndIndex = 257 }
        assertRejected(.filterbank) { $0.filterbankStartIndex = $0.filterbankEndIndex + 1 }
        // A channel whose weights would run past the weight table.
        let starts = Array(good.channelWeightStarts)
        var shifted = starts
        shifted[40] = Int16(good.weights.count)
        shifted.withUnsafeBufferPointer { moved in
            assertRejected(.filterbank) { $0.channelWeightStarts = moved }
        }
        // Contiguous channels (no starts): both starts go, and the widths stay within the weights.
        assertRejected(.filterbank) { $0.channelWeightStarts = UnsafeBufferPointer(start: nil, count: 0) }
        let noStarts = { (tables: inout FrontendTables) in
            tables.channelFrequencyStarts = UnsafeBufferPointer(start: nil, count: 0)
            tables.channelWeightStarts = UnsafeBufferPointer(start: nil, count: 0)
        }
        var unpadded = good
        noStarts(&unpadded)
        XCTAssertNoThrow(try Frontend(config: .microSpeech, tables: unpadded, storage: storage), "padded widths fit the weights")
        var wide = Array(good.channelWidths)
        wide[40] = Int16(good.weights.count - Int(good.channelWeightStarts[40]) + 1)
        wide.withUnsafeBufferPointer { widths in
            assertRejected(.filterbank) {
                noStarts(&$0)
                $0.channelWidths = widths
            }
        }
        assertRejected(.pcanGain) { $0.pcanGainTable = UnsafeBufferPointer(start: nil, count: 0) }
        var noPCAN = FrontendConfig.microSpeech
        noPCAN.pcan.isEnabled = false
        assertRejected(.pcanGain, config: noPCAN) { _ in }
        assertRejected(.log) { $0.logTable = UnsafeBufferPointer(rebasing: $0.logTable.dropFirst()) }
        // A different window size needs a different window table.
        var longer = FrontendConfig.microSpeech
        longer.windowMilliseconds = 25
        assertRejected(.window, config: longer) { _ in }
    }

    private func withoutTwiddles(_ tables: FrontendTables) -> FrontendTables {
        var tables = tables
        tables.twiddles = UnsafeBufferPointer(start: nil, count: 0)
        tables.splitTwiddles = UnsafeBufferPointer(start: nil, count: 0)
        return tables
    }
}
