# QEMU's microbit: the nRF51822's Cortex-M0 (ARMv6-M: Thumb-1, no divide instruction, no
# exclusive loads and stores, no FPU), 256 KB of flash, 16 KB of RAM, the nRF51 UART.
BOARD_CPU := -mcpu=cortex-m0 -mthumb -mfloat-abi=soft
BOARD_SWIFT_TARGET ?= -target armv6m-none-none-eabi -Xcc -mcpu=cortex-m0 -Xcc -mfloat-abi=soft
BOARD_QEMU := -M microbit
BOARD_C := nrf51-uart.c
BOARD_S := atomics-v6m.S
BOARD_RAM_BYTES := 16384
# Setup needs more RAM than the board has (its own stack, the snapshot before it is written),
# so the snapshot image and the arena probe run on mps2-an385 (a Cortex-M3, which runs ARMv6-M
# code) with its memory map: flash at 0 and RAM at 0x20000000 as here, so the model, tables and
# buffers the snapshot points into are where the micro:bit image has them. They print through
# that machine's UART.
BOARD_SETUP_QEMU := -M mps2-an385 -cpu cortex-m3
BOARD_SETUP_MEMORY := Board/mps2-an385
BOARD_SETUP_CONSOLE := cmsdk-uart.c
BOARD_PROBE_ARENA := 262144
# micro_speech in ARMv6-M code: 24 KB of flash (the board has 256 KB).
BOARD_FLASH_BUDGET_commands := 24576
# Stack reserve (see STACK_SIZE in the Makefile): high-water 1,380 B (micro_speech, the one
# model the board holds) + 36 B for an interrupt's exception frame (8 words, and 4 B of
# padding to 8-byte alignment) = 1,416, rounded up to 16.
BOARD_STACK_SIZE := 1424
