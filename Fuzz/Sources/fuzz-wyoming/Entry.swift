import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.wyoming(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
