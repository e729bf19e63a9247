// swift-tools-version:6.1
import PackageDescription

// The portable core (TFMicro, AudioFrontend, KeywordSpotting) imports nothing but the
// Swift standard library, so the same sources build for Linux and, with Embedded Swift,
// for the Cortex-M firmware in Firmware/. Everything that touches files, devices or
// threads lives in KWSApp and the command-line tools.
// On x86-64 hosts TFMicro and AudioFrontend are compiled for AVX2 (Haswell, 2013, and every
// later x86-64 server CPU), so their SIMD types and loops use 256-bit vectors; other hosts
// (NEON on arm64) and the firmware build keep their baseline.
#if arch(x86_64)
let hostVectorUnit: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let hostVectorUnit: [SwiftSetting] = []
#endif

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "SwiftKWS",
    products: [
        .library(name: "TFMicro", targets: ["TFMicro"]),
        .library(name: "AudioFrontend", targets: ["AudioFrontend"]),
        .library(name: "KeywordSpotting", targets: ["KeywordSpotting"]),
        .executable(name: "kws-model", targets: ["kws-model"]),
        .executable(name: "kws-features", targets: ["kws-features"]),
        .executable(name: "kws-eval", targets: ["kws-eval"]),
        .executable(name: "kws-listen", targets: ["kws-listen"]),
        .executable(name: "kws-bench", targets: ["kws-bench"]),
        .executable(name: "kws-serve", targets: ["kws-serve"]),
        // For the libFuzzer executables of Fuzz/ (`make fuzz`).
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Portable core.
        .target(name: "TFMicro", exclude: ["Kernels/README.md"], swiftSettings: hostVectorUnit),
        .target(name: "AudioFrontend", swiftSettings: hostVectorUnit),
        .target(name: "KeywordSpotting", dependencies: ["TFMicro", "AudioFrontend"]),

        // System libraries, host only.
        .systemLibrary(name: "CAlsa", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(
            name: "CAudioFile", pkgConfig: "sndfile samplerate",
            providers: [.apt(["libsndfile1-dev", "libsamplerate0-dev"])]),

        // Host application code shared by the tools.
        .target(
            name: "KWSApp",
            dependencies: [
                "TFMicro", "AudioFrontend", "KeywordSpotting", "CAlsa", "CAudioFile", argumentParser,
            ]),

        // Command-line tools, one per directory under Sources/Tools.
        .executableTarget(name: "kws-model", dependencies: ["KWSApp", argumentParser], path: "Sources/Tools/kws-model"),
        .executableTarget(name: "kws-features", dependencies: ["KWSApp", argumentParser], path: "Sources/Tools/kws-features"),
        .executableTarget(name: "kws-eval", dependencies: ["KWSApp", "KeywordSpotting", argumentParser], path: "Sources/Tools/kws-eval"),
        .executableTarget(name: "kws-listen", dependencies: ["KWSApp", argumentParser], path: "Sources/Tools/kws-listen"),
        .executableTarget(
            name: "kws-bench",
            dependencies: [
                "KWSApp", argumentParser,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ], path: "Sources/Tools/kws-bench"),
        .executableTarget(
            name: "kws-serve",
            dependencies: [
                "KWSApp", argumentParser,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ], path: "Sources/Tools/kws-serve"),

        // Entry points for fuzzing the readers of outside input (Fuzz/, FuzzReplayTests).
        .target(name: "FuzzTargets", dependencies: ["KWSApp"]),

        // Where the tests find golden and shared data; used by every test target.
        // The core's tests need no host library but fftw (the FFT's double-precision reference).
        .target(name: "TestSupport", dependencies: ["AudioFrontend"], path: "Tests/TestSupport"),
        .testTarget(name: "TFMicroTests", dependencies: ["TFMicro", "TestSupport"]),
        .testTarget(name: "AudioFrontendTests", dependencies: ["AudioFrontend", "KeywordSpotting", "CFFTW", "TestSupport"]),
        .testTarget(name: "KeywordSpottingTests", dependencies: ["KeywordSpotting", "TestSupport"]),
        .testTarget(name: "KWSAppTests", dependencies: ["KWSApp", "TestSupport"]),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzTargets", "TestSupport"]),
        .testTarget(name: "ServeTests", dependencies: ["KWSApp", "TestSupport"]),
    ]
)
