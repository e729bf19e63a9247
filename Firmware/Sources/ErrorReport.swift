import AudioFrontend
import KeywordSpotting
import TFMicro

/// Prints setup and run errors of the portable modules on the console. The modules'
/// `description`s build Strings with interpolation, which would add tens of kilobytes to
/// the image, so the firmware words them itself from their StaticString and integer parts.
/// Operators are named by builtin code: `BuiltinOperator.name` would link a table of every
/// TFLite op name, which nothing else on the device needs.
enum ErrorReport {
    /// For the errors only setup meets, which ran at build time: one text, linked once.
    static let setupOnly: StaticString = "setup error; rebuild the firmware with make"

    static func print(_ error: SetupSnapshot.Mismatch) {
        Console.write("error: the setup snapshot in flash ")
        switch error {
        case .damaged: Console.write("is damaged")
        case .otherBuild: Console.write("was taken by another build")
        case .otherModel: Console.write("was taken with another model")
        }
        Console.write("; rebuild the firmware with make\n")
    }

    static func print(_ error: PipelineError) {
        Console.write("error: ")
        switch error {
        case .interpreter(let error): print(error)
        #if TAKE_SNAPSHOT
        case .frontend(let error): print(error)
        case .recognizer(.storageTooSmall(let required, let provided)):
            Console.write("the recognizer's storage, sized for the manifest's labels, has ")
            Console.write(provided)
            Console.write(" bytes; the model's outputs need ")
            Console.write(required)
            Console.write(" (the manifest's labels do not match the model)")
        case .recognizer: Console.write("the recognizer settings are invalid")
        case .inputMismatch(let expected, let actual, _):
            Console.write("the model's input has ")
            Console.write(actual)
            Console.write(" bytes; the firmware feeds ")
            Console.write(expected)
            Console.write(" int8 features (the manifest's input.frames x frontend.channels)")
        case .unsupportedOutput(let bytes, _):
            Console.write("the model's output is not int8 scores, one per label (")
            Console.write(bytes)
            Console.write(" bytes)")
        case .inputNotPreserved:
            Console.write("the feature window needs an interpreter made with preservingInputs")
        case .windowStorageTooSmall, .invalidFrameCount, .invalidStride, .invalidFeatureConversion:
            Console.write("invalid pipeline settings")
        #else
        // Streaming only fails in the model or the recognizer; the rest is setup, done at build time.
        case .recognizer: Console.write("the recognizer failed")
        default: Console.write(setupOnly)
        #endif
        }
        Console.write("\n")
    }

    static func print(_ error: WakeWordSpotterError) {
        Console.write("error: ")
        switch error {
        case .interpreter(let error): print(error)
        #if TAKE_SNAPSHOT
        case .invalidFeatureConversion: Console.write("the manifest's input.conversion is invalid")
        case .inputMismatch(let bytes, let channels, _):
            Console.write("the model's input is not int8 frames of ")
            Console.write(channels)
            Console.write(" values (")
            Console.write(bytes)
            Console.write(" bytes)")
        case .outputNotAProbability(let bytes, _):
            Console.write("the model's output is not one uint8 probability (")
            Console.write(bytes)
            Console.write(" bytes)")
        #else
        default: Console.write(setupOnly)
        #endif
        }
        Console.write("\n")
    }

    #if TAKE_SNAPSHOT
    static func print(_ error: SetupFailure) {
        switch error {
        case .pipeline(let error): print(error)
        case .wakeWord(let error): print(error)
        case .detector:
            Console.write("error: the manifest's wake_word settings are out of range\n")
        case .framesPerInvoke(let model, let manifest):
            Console.write("error: the model takes ")
            Console.write(model)
            Console.write(" frames per invoke, the manifest's input.frames says ")
            Console.write(manifest)
            Console.write("\n")
        case .labelCount(let model, let manifest):
            Console.write("error: the model scores ")
            Console.write(model)
            Console.write(" labels, the manifest lists ")
            Console.write(manifest)
            Console.write("\n")
        }
    }

    static func print(_ error: FrontendError) {
        switch error {
        case .storageTooSmall(let required, let provided):
            Console.write("frontend storage has ")
            Console.write(provided)
            Console.write(" bytes, ")
            Console.write(required)
            Console.write(" are needed (FRONTEND_STATE_BYTES, written by Tools/frontend-tables.swift)")
        case .scratchTooSmall(let required, let provided):
            Console.write("the arena's idle bytes (")
            Console.write(provided)
            Console.write(") cannot hold the frontend's scratch (")
            Console.write(required)
            Console.write(" bytes)")
        default:
            Console.write("invalid frontend configuration (the manifest's frontend block)")
        }
    }

    static func print(_ error: ModelError) {
        Console.write("the model in flash is malformed at byte ")
        Console.write(error.position)
        Console.write(" (")
        Console.write(error.field)
        Console.write("); relink with a valid .tflite (MODEL=...)")
    }
    #endif

    static func print(_ error: InterpreterError) {
        switch error {
        case .invokeFailed(let op, let index, let error):
            print(op, index, error)
        #if TAKE_SNAPSHOT
        case .missingOperator(let op, _, let index):
            Console.write("operator ")
            Console.write(index)
            Console.write(" is builtin op ")
            Console.write(Int(op.code))
            Console.write(", which the firmware's op resolver does not register (ModelResolver)")
        case .malformedModel(let error):
            print(error)
        case .missingCustomOperator(_, _, let index):
            Console.write("operator ")
            Console.write(index)
            Console.write(" is a custom op, which the firmware's op resolver does not register")
        case .arenaTooSmall(let needed, let available, _):
            Console.write("the tensor arena has ")
            Console.write(available)
            Console.write(" bytes, the model needs ")
            Console.write(needed)
            Console.write(" (ARENA_BYTES, measured by the build's arena probe)")
        case .persistentArenaTooSmall(let needed, let available):
            Console.write("the flash reserved for the snapshot has ")
            Console.write(available)
            Console.write(" bytes for the model's records, it needs ")
            Console.write(needed)
            Console.write(" (SETUP_SNAPSHOT_SIZE)")
        case .prepareFailed(let op, let index, let error):
            print(op, index, error)
        case .unsupportedTensor(let index, let reason):
            Console.write("tensor ")
            Console.write(index)
            Console.write(" is not supported: ")
            Console.write(reason)
        case .unusableSnapshot:
            // Setup restores no interpreter snapshot; the firmware restores its own format.
            Console.write("unexpected interpreter snapshot")
        #else
        // The rest are Interpreter.init's, which ran at build time.
        default: Console.write(setupOnly)
        #endif
        }
    }

    /// A kernel's error: `operator N (builtin op C): message, tensor T`.
    private static func print(_ op: BuiltinOperator, _ index: Int, _ error: KernelError) {
        Console.write("operator ")
        Console.write(index)
        Console.write(" (builtin op ")
        Console.write(Int(op.code))
        Console.write("): ")
        Console.write(error.message)
        if let tensor = error.tensorIndex {
            Console.write(", tensor ")
            Console.write(tensor)
        }
    }
}
