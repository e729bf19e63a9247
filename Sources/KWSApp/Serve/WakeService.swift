/// The wake-word models a server offers and what `describe` answers about them; each
/// connection gets a ``ModelBank`` of the models it asked for. Shared by every connection.
public final class WakeService: Sendable {
    /// Models offered, in `info` order.
    public let models: [ResolvedModel]
    public let limits: WyomingLimits

    public init(models: [ResolvedModel], limits: WyomingLimits = WyomingLimits()) {
        self.models = models
        self.limits = limits
    }

    public var modelNames: [String] { models.map(\.manifest.name) }

    /// A new stream's models (all when `names` is nil or empty), each with its own frontend
    /// state, model state and detector; an unknown name is refused.
    public func modelBank(for names: [String]?) throws(WyomingProtocolError) -> ModelBank {
        let chosen = try select(names)
        do { return try ModelBank(models: chosen) } catch { throw .model(error.description) }
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
            let block = manifest.wakeWord
            return .object([
                "name": .string(manifest.name),
                "phrase": .string(block?.phrase ?? manifest.name),
                "languages": .array((block?.languages ?? []).map(JSONValue.string)),
                "attribution": .object([
                    "name": .string(block?.author ?? manifest.source.license ?? ""),
                    "url": .string(block?.website ?? manifest.source.url ?? ""),
                ]),
                "installed": true,
                "description": .string(manifest.description ?? manifest.name),
                "version": block?.version.map { .string(String($0)) } ?? .null,
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
        return WyomingEvent(
            type: "info",
            data: [
                "asr": [], "tts": [], "handle": [], "intent": [], "wake": .array([program]), "mic": [], "snd": [],
            ])
    }
}
