import Foundation
import KWSApp
import TestSupport
import XCTest

/// The micro_speech pipeline as the tools build it, from Models/micro_speech.json and the model
/// file `make models` puts beside it.
enum TestPipelines {
    static func microSpeech() throws -> KeywordPipelineFactory {
        let models = TestPaths.packageRoot.appendingPathComponent("Models").path
        guard FileManager.default.fileExists(atPath: models + "/micro_speech.tflite") else {
            XCTFail("missing \(models)/micro_speech.tflite: run `make models` (python3 Models/fetch.py)")
            throw XCTSkip("model missing")
        }
        return KeywordPipelineFactory(model: try ModelLocator(modelsDirectories: [models]).resolve("micro_speech"))
    }
}
