extension UInt64 {
    /// The low 32 bits of `self >> shift` (`shift` below 64): one instruction on 64-bit
    /// processors; from the two 32-bit halves elsewhere, where a 64-bit shift by a variable
    /// amount would be a library call.
    @inline(__always)
    func lowWord(shiftedRightBy shift: UInt32) -> UInt32 {
        #if _pointerBitWidth(_64)
        return UInt32(truncatingIfNeeded: self >> UInt64(shift))
        #else
        let low = UInt32(truncatingIfNeeded: self), high = UInt32(truncatingIfNeeded: self &>> 32)
        if shift == 0 { return low }
        if shift < 32 { return low >> shift | high << (32 - shift) }
        return high >> (shift - 32)
        #endif
    }
}
