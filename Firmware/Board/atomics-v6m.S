// The 32-bit atomic operations the Swift runtime and Synchronization.Atomic call on ARMv6-M,
// which has no exclusive loads and stores (LDREX/STREX) for the compiler to inline. The
// processor has one core, so masking interrupts around a read-modify-write makes it atomic;
// aligned 32-bit loads and stores are atomic as they are. (libatomic's versions take locks
// through an OS, which there is none of.)
    .syntax unified
    .thumb
    .text

    .macro function name
    .section .text.\name, "ax", %progbits
    .global \name
    .type \name, %function
    .thumb_func
\name:
    .endm

function __atomic_load_4            // (ptr, order) -> value
    ldr r0, [r0]
    bx lr

function __atomic_store_4           // (ptr, value, order)
    str r1, [r0]
    bx lr

function __atomic_fetch_add_4       // (ptr, value, order) -> old
    mrs r3, primask
    cpsid i
    ldr r2, [r0]
    adds r1, r2, r1
    str r1, [r0]
    msr primask, r3
    movs r0, r2
    bx lr

function __atomic_fetch_sub_4       // (ptr, value, order) -> old
    mrs r3, primask
    cpsid i
    ldr r2, [r0]
    subs r1, r2, r1
    str r1, [r0]
    msr primask, r3
    movs r0, r2
    bx lr

function __atomic_exchange_4        // (ptr, value, order) -> old
    mrs r3, primask
    cpsid i
    ldr r2, [r0]
    str r1, [r0]
    msr primask, r3
    movs r0, r2
    bx lr

// (ptr, expected ptr, desired, weak, success order, failure order) -> stored: stores desired
// when *ptr == *expected, else writes *ptr to *expected.
function __atomic_compare_exchange_4
    push {r4, r5}
    mrs r5, primask
    cpsid i
    ldr r4, [r0]
    ldr r3, [r1]
    cmp r4, r3
    bne 1f
    str r2, [r0]
    msr primask, r5
    movs r0, #1
    pop {r4, r5}
    bx lr
1:  str r4, [r1]
    msr primask, r5
    movs r0, #0
    pop {r4, r5}
    bx lr
