// memset for size rather than speed, as Board/memcpy.c: newlib's __aeabi_memset is 154 bytes of
// unrolled, alignment-juggling code, and nothing here clears much on the streaming path (the
// depthwise kernel's accumulators; the spotter's buffers once, at start-up). Word stores when
// the destination is aligned, bytes otherwise. LLVM calls the AEABI entry points (count before
// value), C the standard one; all of them are this loop.
#include <stddef.h>
#include <stdint.h>

// Without this GCC may recognize the byte loop as a memset and call itself.
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void __aeabi_memset(void *destination, size_t count, int value) {
    uint8_t *d = destination;
    const uint8_t byte = (uint8_t)value;
    if (((uintptr_t)d & 3) == 0) {
        for (const uint32_t word = byte * 0x01010101u; count >= 4; count -= 4, d += 4) *(uint32_t *)d = word;
    }
    while (count--) *d++ = byte;
}

void __aeabi_memset4(void *, size_t, int) __attribute__((alias("__aeabi_memset")));
void __aeabi_memset8(void *, size_t, int) __attribute__((alias("__aeabi_memset")));

void __aeabi_memclr(void *destination, size_t count) { __aeabi_memset(destination, count, 0); }
void __aeabi_memclr4(void *, size_t) __attribute__((alias("__aeabi_memclr")));
void __aeabi_memclr8(void *, size_t) __attribute__((alias("__aeabi_memclr")));

void *memset(void *destination, int value, size_t count) {
    __aeabi_memset(destination, count, value);
    return destination;
}
