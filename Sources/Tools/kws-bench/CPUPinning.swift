import Glibc
import KWSApp

/// Keeps this process, and every process it starts from now on, on one CPU.
///
/// A timing loop that the scheduler moves between CPUs runs with cold caches and branch
/// predictors after each move; on this project's 2-core VM that made whole runs bimodal (the
/// same binary's median 1.5 or 2.2 us from one process to the next). Pinned, runs repeat.
/// Children inherit the affinity, so the reference benchmark is timed on the same CPU.
enum CPUPinning {
    /// Pins to `cpu`, or to the lowest-numbered CPU this process may run on; returns the CPU.
    static func pin(to cpu: Int? = nil) throws -> Int {
        let getAffinity = try affinityCall("sched_getaffinity")
        let setAffinity = try affinityCall("sched_setaffinity")
        var allowed = cpu_set_t()
        guard getAffinity(0, MemoryLayout<cpu_set_t>.size, &allowed) == 0 else {
            throw ToolFailure("cannot read this process's CPU affinity (errno \(errno))")
        }
        let candidates = (0 ..< MemoryLayout<cpu_set_t>.size * 8).filter { cpu in
            withUnsafeBytes(of: &allowed) { $0[cpu / 8] & UInt8(1 << (cpu % 8)) != 0 }
        }
        guard let chosen = cpu ?? candidates.first else { throw ToolFailure("this process may run on no CPU") }
        guard candidates.contains(chosen) else {
            throw ToolFailure("CPU \(chosen) is not among those this process may run on (\(candidates))")
        }
        var only = cpu_set_t()
        withUnsafeMutableBytes(of: &only) { $0[chosen / 8] |= UInt8(1 << (chosen % 8)) }
        guard setAffinity(0, MemoryLayout<cpu_set_t>.size, &only) == 0 else {
            throw ToolFailure("cannot pin this process to CPU \(chosen) (errno \(errno))")
        }
        return chosen
    }

    /// glibc's sched_getaffinity and sched_setaffinity, looked up at run time: Swift's Glibc
    /// module leaves out the GNU extensions.
    private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutablePointer<cpu_set_t>) -> Int32

    private static func affinityCall(_ name: String) throws -> AffinityCall {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { throw ToolFailure("this C library has no \(name)") }
        return unsafeBitCast(symbol, to: AffinityCall.self)
    }
}
