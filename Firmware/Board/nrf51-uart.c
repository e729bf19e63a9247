// Console on the nRF51's UART (0x40002000), which QEMU's microbit connects to the host with
// -serial stdio: each byte goes to TXD, then the TXDRDY event says it left.
#include "board.h"

#define UART_BASE 0x40002000u
#define UART_STARTTX (*(volatile uint32_t *)(UART_BASE + 0x008))
#define UART_EVENTS_TXDRDY (*(volatile uint32_t *)(UART_BASE + 0x11C))
#define UART_ENABLE (*(volatile uint32_t *)(UART_BASE + 0x500))
#define UART_TXD (*(volatile uint32_t *)(UART_BASE + 0x51C))
#define UART_ENABLE_ON 4u

void board_console_write(const uint8_t *bytes, size_t count) {
    if (UART_ENABLE != UART_ENABLE_ON) {
        UART_ENABLE = UART_ENABLE_ON;
        UART_STARTTX = 1;
    }
    for (size_t i = 0; i < count; i++) {
        UART_EVENTS_TXDRDY = 0;
        UART_TXD = bytes[i];
        while (!UART_EVENTS_TXDRDY) {}
    }
}

// Embedded Swift's print() writes through putchar; keep it working on the console.
int putchar(int c) {
    uint8_t byte = (uint8_t)c;
    board_console_write(&byte, 1);
    return c;
}
