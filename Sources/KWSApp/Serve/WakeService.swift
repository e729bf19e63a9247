/// The wake-word models a server offers, what `describe` answers about them, and the engine
/// each connection runs the models it asked for through. Shared by every connection.
public final class WakeService: Sendable {
    /// Models offered, in `info` order.
    public let models: [ResolvedModel]
    public let limits: WyomingLimits
    private let makeEngine: @Sendable ([ResolvedModel]) throws(WyomingProtocolError) -> any WakeWordEngine

    public init(models: [ResolvedModel], limits: WyomingLimits = WyomingLimits(),
                makeEngine: @escaping @Sendable ([ResolvedModel]) throws(WyomingProtocolError) -> any WakeWordEngine = WakeService.standardEngine) {
        self.models = models
        self.limits = limits
        self.makeEngine = makeEngine
    }

    /// The engine every connection gets unless a test substitutes one.
    @Sendable public static func standardEngine(_ models: [ResolvedModel]) throws(WyomingProtocolError) -> any WakeWordEngine {
        try InterimSpotters(models: models)
    }

    public var modelNames: [String] { models.map(\.manifest.name) }

    /// An engine over the named models (all when nil); an unknown name is refused.
    public func engine(for names: [String]?) throws(WyomingProtocolError) -> any WakeWordEngine {
        try makeEngine(try select(names))
    }

    /// The models named (all when nil or empty, as the `wyoming` package's `Detect` says).
    public func select(_ names: [String]?) throws(WyomingProtocolError) -> [ResolvedModel] {
        guard let names, !names.isEmpty else { return models }
        return try names.map { name throws(WyomingProtocolError) in
            guard let model = models.first(where: { $0.manifest.name == name }) else {
                throw .unknownModel(name: name, known: modelNames)
            }
            return model
        }
    }

    /// The `info` event: one wake program whose models carry name, phrase, languages,
    /// attribution and version from their manifests.
    public var info: WyomingEvent {
        let wakeModels: [JSONValue] = models.map { model in
            let manifest = model.manifest
            return .object([
                "name": .string(manifest.name),
                "phrase": .string(manifest.wakeWord?.phrase ?? manifest.name),
                "languages": .array(["en"]),
                "attribution": .object(["name": .string(manifest.source.license ?? ""), "url": .string(manifest.source.url ?? "")]),
                "installed": true,
                "description": .string(manifest.description ?? manifest.name),
                "version": .string(String(manifest.sha256.prefix(12))),
            ])
        }
        let program: JSONValue = .object([
            "name": "kws-serve",
            "attribution": .object(["name": "SwiftKWS", "url": ""]),
            "installed": true,
            "description": "microWakeWord models in Swift, exact with pymicro-wakeword",
            "version": .string(WyomingEvent.protocolVersion),
            "models": .array(wakeModels),
        ])
        return WyomingEvent(type: "info", data: [
            "asr": [], "tts": [], "handle": [], "intent": [], "wake": .array([program]), "mic": [], "snd": [],
        ])
    }
}
