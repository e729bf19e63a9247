// memcpy for size rather than speed. newlib's is unrolled and juggles alignment, several times
// this one's code, and nothing here copies much on the streaming path: the
// model's RESHAPE aliases its input, the ring is filled in place, and the large copies (the
// setup snapshot into the arena) happen once at start-up. Word copies when both pointers are
// aligned, bytes otherwise. (libc's __aeabi_memcpy entry points, which LLVM calls, branch here.)
#include <stddef.h>
#include <stdint.h>

// Without this GCC may recognize the byte loop as a memcpy and call itself.
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memcpy(void *restrict destination, const void *restrict source, size_t count) {
    uint8_t *d = destination;
    const uint8_t *s = source;
    if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
        for (; count >= 4; count -= 4, d += 4, s += 4) *(uint32_t *)d = *(const uint32_t *)s;
    }
    while (count--) *d++ = *s++;
    return destination;
}
