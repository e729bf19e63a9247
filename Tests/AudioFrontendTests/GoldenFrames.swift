import Foundation
import TestSupport
import XCTest

/// One golden clip: its path and where its frames sit in each step's file.
struct GoldenClip {
    var path: String
    var sampleCount: Int
    var frames: [Int: (count: Int, offset: Int)]
}

/// The golden index and frame files written by scripts/golden/gen_frontend.py.
struct GoldenFrames {
    let clips: [GoldenClip]
    private let values: [Int: [UInt16]]

    init() throws {
        let index = try String(contentsOf: TestData.goldenFile("frontend/index.tsv", madeBy: "gen_frontend.py"), encoding: .utf8)
        var clips: [GoldenClip] = []
        for line in index.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t").map(String.init)
            clips.append(
                GoldenClip(
                    path: columns[0], sampleCount: Int(columns[1])!,
                    frames: [
                        20: (Int(columns[2])!, Int(columns[3])!),
                        10: (Int(columns[4])!, Int(columns[5])!),
                    ]))
        }
        self.clips = clips
        var values: [Int: [UInt16]] = [:]
        for step in [20, 10] {
            values[step] = try TestData.goldenValues("frontend/frames_\(step)ms.u16", as: UInt16.self, madeBy: "gen_frontend.py")
        }
        self.values = values
    }

    /// The reference frames of `clip` at `step` ms, flattened frames x 40.
    func frames(of clip: GoldenClip, step: Int) -> ArraySlice<UInt16> {
        let (count, offset) = clip.frames[step]!
        return values[step]![(offset * 40) ..< ((offset + count) * 40)]
    }
}
