import Foundation

/// One of the repository's Python scripts (the reference runtimes' benchmarks), run with the
/// project's interpreter so that the PyPI packages of requirements.txt are there.
public struct PythonScript {
    /// The script, relative to the package root (the tools run from there).
    public var path: String
    /// The interpreter: `--python` when given, else ``projectInterpreter``.
    public var python: String

    public init(_ path: String, python: String? = nil) {
        self.path = path
        self.python = python ?? Self.projectInterpreter
    }

    /// The virtual environment's python3: `$VIRTUAL_ENV` (set by `make` and by `activate`), else
    /// `.venv` in the working directory (`make setup` makes it), else `python3` on `PATH`.
    public static var projectInterpreter: String {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["VIRTUAL_ENV"], FileManager.default.currentDirectoryPath + "/.venv"]
            .compactMap { $0 }.map { $0 + "/bin/python3" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "python3"
    }

    /// Runs the script and returns its standard output (`captureOutput`) or lets it print to
    /// ours; its standard error passes through. A script that cannot start or fails throws a
    /// failure that says which, naming a missing Python package when that is the cause.
    @discardableResult
    public func run(_ arguments: [String], captureOutput: Bool = false) throws(ToolFailure) -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ToolFailure("\(path) not found", advice: "Run the tool from the package root.")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, path] + arguments
        let output = Pipe(), errors = Pipe()
        if captureOutput { process.standardOutput = output }
        process.standardError = errors
        // Our own output first, then the script's.
        fflush(nil)
        do { try process.run() } catch {
            throw ToolFailure("cannot start \(python): \(error.localizedDescription)", advice: Self.setupAdvice)
        }
        // Standard error is copied as it comes (progress lines) and kept to explain a failure.
        let errorText = ErrorText()
        let copying = DispatchGroup()
        DispatchQueue.global().async(group: copying) {
            let handle = errors.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                FileHandle.standardError.write(chunk)
                errorText.append(chunk)
            }
        }
        let data = captureOutput ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        copying.wait()
        guard process.terminationStatus == 0 else {
            let status = process.terminationStatus
            // env exits 127 when it cannot find the interpreter at all.
            if status == 127 && errorText.text.contains("No such file") {
                throw ToolFailure("no Python interpreter \(python)", advice: Self.setupAdvice)
            }
            if let module = errorText.missingModule {
                throw ToolFailure(
                    "\(path) needs the Python package providing '\(module)', which \(python) lacks",
                    advice: Self.setupAdvice)
            }
            throw ToolFailure("\(path) failed with exit code \(status)")
        }
        return data
    }

    static let setupAdvice = "Run `make setup`: it makes .venv and installs requirements.txt into it."
}

/// What a script wrote to standard error, gathered on the copying thread.
private final class ErrorText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }

    /// The module of a `ModuleNotFoundError: No module named 'x'` line.
    var missingModule: String? {
        guard let range = text.range(of: "No module named '") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "'" })
    }
}
