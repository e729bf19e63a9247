import AudioFrontend
import KeywordSpotting
import TFMicro

/// One `WakeWordSpotter` per model, until the shared `ModelBank` replaces it.
final class InterimSpotters: WakeWordEngine {
    let sampleRate = 16_000
    private var spotters: [(name: String, spotter: WakeWordSpotter, storage: [UnsafeMutableRawBufferPointer])]

    init(models: [ResolvedModel]) throws(WyomingProtocolError) {
        spotters = []
        for model in models {
            var buffers: [UnsafeMutableRawBufferPointer] = []
            do {
                let manifest = model.manifest
                guard let block = manifest.wakeWord else { throw WyomingProtocolError.model("\(manifest.name) is not a wake-word model") }
                let config = FrontendConfig(manifest.frontend)
                let modelBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: model.modelData.count, alignment: 16)
                model.modelData.withUnsafeBytes { modelBytes.copyMemory(from: $0) }
                let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
                let frontendStorage = UnsafeMutableRawBufferPointer.allocate(byteCount: try Frontend.storageBytes(for: config), alignment: 16)
                buffers = [modelBytes, arena, frontendStorage]
                let c = manifest.input.conversion
                let interpreter = try Interpreter(model: try Model(bytes: UnsafeRawBufferPointer(modelBytes)), resolver: .allKernels, arena: arena)
                let detector = WakeWordDetector(configuration: try WakeWordDetectorConfiguration(
                    probabilityCutoff: block.probabilityCutoff, slidingWindowSize: block.slidingWindowSize,
                    ignoredInvocationsAfterReset: block.ignoreInvocationsAfterReset ?? 74))
                let spotter = try WakeWordSpotter(frontend: try Frontend(config: config, storage: frontendStorage), interpreter: interpreter,
                                                  conversion: FeatureConversion(multiplier: c.multiplier, divisor: c.divisor, offset: c.offset),
                                                  detector: detector)
                spotters.append((manifest.name, spotter, buffers))
            } catch {
                buffers.forEach { $0.deallocate() }
                throw .model("\(model.manifest.name): \(error)")
            }
        }
    }

    deinit { spotters.forEach { $0.storage.forEach { $0.deallocate() } } }

    func process(_ samples: UnsafeBufferPointer<Int16>, onDetection: (Detection) -> Void) throws(WyomingProtocolError) {
        for index in spotters.indices {
            let name = spotters[index].name
            let spotter = spotters[index].spotter
            do {
                try spotters[index].spotter.process(samples) { result in
                    if let d = result.detection {
                        onDetection(Detection(model: name, label: name, score: Int(d.averageProbability),
                                              timeMilliseconds: spotter.timeMilliseconds(ofFrame: result.frameIndex)))
                    }
                }
            } catch { throw .model("\(name): \(error)") }
        }
    }

    func reset() {
        for index in spotters.indices { spotters[index].spotter.reset() }
    }
}
