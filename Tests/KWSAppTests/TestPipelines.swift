import Foundation
import KWSApp
import TestSupport
import XCTest

/// The micro_speech pipeline as the tools build it, from Models/micro_speech.json and the model
/// file `make models` puts beside it.
enum TestPipelines {
    static func microSpeech() throws -> KeywordPipelineFactory {
        let models = try TestPaths.model("micro_speech.tflite").deletingLastPathComponent().path
        return KeywordPipelineFactory(model: try ModelLocator(modelsDirectories: [models]).resolve("micro_speech"))
    }
}
