extension UInt64 {
    /// The low 32 bits of `self >> shift` (`shift` below 64), from the two 32-bit halves: a
    /// 32-bit processor would call a library routine for a 64-bit shift by a variable amount.
    @inline(__always)
    func lowWord(shiftedRightBy shift: UInt32) -> UInt32 {
        let low = UInt32(truncatingIfNeeded: self), high = UInt32(truncatingIfNeeded: self &>> 32)
        if shift == 0 { return low }
        if shift < 32 { return low >> shift | high << (32 - shift) }
        return high >> (shift - 32)
    }
}
