// Reset and exception entry for every board's Cortex-M: vector table, .data copy, .bss and
// .state zeroing, FPU enable (when there is one), stack painting, then the Swift firmware's main.
#include "board.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __state_start[], __state_end[];
extern uint32_t __stack_bottom[], __stack_top[];
extern const uint8_t kws_model_start[], kws_model_end[];

int main(int argc, char **argv);
void Reset_Handler(void);
static void Fault_Handler(void);

#define STACK_PAINT 0xC0DEFACEu

__attribute__((section(".vectors"), used))
static void (*const vector_table[16])(void) = {
    (void (*)(void))__stack_top, // initial stack pointer
    Reset_Handler,
    Fault_Handler, // NMI
    Fault_Handler, // HardFault
    Fault_Handler, // MemManage
    Fault_Handler, // BusFault
    Fault_Handler, // UsageFault
};

// Paints the stack below the caller's frame (keeping 64 bytes for this function) so that
// the high-water mark can be measured.
__attribute__((noinline)) static void paint_stack(void) {
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = __stack_bottom; p < sp - 16; p++) *p = STACK_PAINT;
}

void Reset_Handler(void) {
#if defined(__ARM_FP)
    // Grant full access to coprocessors 10 and 11 (the FPU) before any float code runs.
    volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
    *cpacr |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;) *d++ = *s++;
    for (uint32_t *d = __bss_start; d < __bss_end;) *d++ = 0;
    // The buffers the setup snapshot points into start as zero bytes, as the spotter's reset()
    // leaves them: restoring copies the handle and the arena's end over them and no more.
    for (uint32_t *d = __state_start; d < __state_end;) *d++ = 0;

    paint_stack();
    semihosting_exit(main(0, 0));
}

static void console_text(const char *text) {
    size_t n = 0;
    while (text[n]) n++;
    board_console_write((const uint8_t *)text, n);
}

static void console_hex(uint32_t value) {
    char text[11] = "0x";
    for (int i = 0; i < 8; i++) text[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xF];
    text[10] = 0;
    console_text(text);
}

// Reports where the fault happened (the PC the processor stacked) and why (the fault
// status registers), then ends the run: a trap in Swift (overflow, bounds) lands here too.
// It runs on a fresh stack (see Fault_Handler); when the faulting stack pointer lies outside
// the stack region, or stacking itself failed, the stack overflowed and there is no frame
// to read.
__attribute__((used, noreturn)) static void fault_report(const uint32_t *frame, uint32_t exception_return) {
    (void)exception_return;
#if defined(__ARM_ARCH_6M__)
    // ARMv6-M has no configurable fault status registers.
    uint32_t cfsr = 0;
#else
    uint32_t cfsr = *(volatile uint32_t *)0xE000ED28u;
#endif
    const uint32_t stacking_errors = (1u << 4) | (1u << 12); // MSTKERR, STKERR
    if ((const uint32_t *)frame < __stack_bottom || (const uint32_t *)frame + 8 > __stack_top
        || (cfsr & stacking_errors)) {
        console_text("\nfatal: stack overflow: the stack reserve is too small (raise STACK_SIZE)\n");
        semihosting_exit(71);
    }
    console_text("\nfatal: processor fault at pc ");
    console_hex(frame[6]);
    console_text(", lr ");
    console_hex(frame[5]);
#if !defined(__ARM_ARCH_6M__)
    console_text(", CFSR ");
    console_hex(cfsr);
    console_text(", HFSR ");
    console_hex(*(volatile uint32_t *)0xE000ED2Cu);
    console_text(", BFAR ");
    console_hex(*(volatile uint32_t *)0xE000ED38u);
#endif
    for (int r = 0; r < 4; r++) {
        const char name[] = {',', ' ', 'r', (char)('0' + r), ' ', 0};
        console_text(name);
        console_hex(frame[r]);
    }
    console_text("\n");
    semihosting_exit(70);
}

__attribute__((naked)) static void Fault_Handler(void) {
    // Pass the stacked exception frame (on MSP or PSP) and EXC_RETURN to fault_report, on
    // a stack reset to the top of the stack region: the program is over, and after a stack
    // overflow the old one is unusable.
#if defined(__ARM_ARCH_6M__)
    // Thumb-1: no IT blocks, no TST with an immediate.
    __asm__ volatile(
        "movs r0, #4\n\t"
        "mov r1, lr\n\t"
        "tst r0, r1\n\t"
        "bne 1f\n\t"
        "mrs r0, msp\n\t"
        "b 2f\n"
        "1:\tmrs r0, psp\n"
        "2:\tldr r2, =__stack_top\n\t"
        "mov sp, r2\n\t"
        "ldr r2, =fault_report\n\t"
        "bx r2\n\t");
#else
    __asm__ volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "mov r1, lr\n\t"
        "ldr r2, =__stack_top\n\t"
        "mov sp, r2\n\t"
        "b fault_report\n\t");
#endif
}

uint32_t board_stack_high_water(void) {
    const uint32_t *p = __stack_bottom;
    while (p < __stack_top && *p == STACK_PAINT) p++;
    return (uint32_t)((const uint8_t *)__stack_top - (const uint8_t *)p);
}

uint32_t board_stack_size(void) {
    return (uint32_t)((const uint8_t *)__stack_top - (const uint8_t *)__stack_bottom);
}

const uint8_t *board_model_data(void) { return kws_model_start; }
uint32_t board_model_size(void) { return (uint32_t)(kws_model_end - kws_model_start); }

// Distinct, never-inlined bodies so that each marker keeps its own address.
#define MARKER(name, tag) \
    __attribute__((noinline, used)) void name(void) { __asm__ volatile("" ::"r"(tag) : "memory"); }
MARKER(icount_model_begin, 1)
MARKER(icount_model_end, 2)
MARKER(icount_frontend_begin, 3)
MARKER(icount_frontend_end, 4)
MARKER(icount_pipeline_begin, 5)
MARKER(icount_pipeline_end, 6)
