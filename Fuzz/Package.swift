// swift-tools-version:6.1
import PackageDescription

// libFuzzer executables over the main package's FuzzTargets, one per reader of outside input.
// Built and run by `make fuzz` with `--sanitize fuzzer --sanitize address`; see Fuzz/README.md.
let targets = ["model", "audio-file", "manifest", "frontend", "wyoming"]

let package = Package(
    name: "SwiftKWSFuzz",
    dependencies: [.package(name: "SwiftKWS", path: "..")],
    targets: targets.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: [.product(name: "FuzzTargets", package: "SwiftKWS")],
            path: "Sources/fuzz-\(name)",
            // libFuzzer brings main(); the entry point is LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
