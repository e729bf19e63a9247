// Console on UART0 of the MPS2 boards (an ARM CMSDK APB UART at 0x40004000). QEMU connects it
// to the host with -serial stdio.
#include "board.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10))
#define UART_STATE_TX_FULL 0x1u
#define UART_CTRL_TX_ENABLE 0x1u
#define SYSTEM_CLOCK_HZ 25000000u

static void uart_start(void) {
    UART_BAUDDIV = SYSTEM_CLOCK_HZ / 115200u;
    UART_CTRL = UART_CTRL_TX_ENABLE;
}

void board_console_write(const uint8_t *bytes, size_t count) {
    if (!(UART_CTRL & UART_CTRL_TX_ENABLE)) uart_start();
    for (size_t i = 0; i < count; i++) {
        while (UART_STATE & UART_STATE_TX_FULL) {}
        UART_DATA = bytes[i];
    }
}

// Embedded Swift's print() writes through putchar; keep it working on the console.
int putchar(int c) {
    uint8_t byte = (uint8_t)c;
    board_console_write(&byte, 1);
    return c;
}
