# QEMU's mps2-an385: a Cortex-M3 (ARMv7-M, no FPU, no DSP extension), 4 MB of code SSRAM at 0
# standing in for flash, 4 MB of SRAM at 0x20000000, a CMSDK UART.
# Embedded Swift ships no armv7m-none-none-eabi standard library; its armv7em one, compiled for
# the Cortex-M3 (-mcpu=cortex-m3, soft float), generates ARMv7-M code (Thumb-2, hardware divide,
# no DSP or FPU instructions: README "Boards" has the measurements against armv6m).
BOARD_CPU := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_SWIFT_TARGET ?= -target armv7em-none-none-eabi -Xcc -mcpu=cortex-m3 -Xcc -mfloat-abi=soft
BOARD_QEMU := -M mps2-an385 -cpu cortex-m3
BOARD_C := cmsdk-uart.c
BOARD_PROBE_ARENA := 262144
BOARD_RAM_BYTES := 4194304
# micro_speech: TFLM cites 22 KB of flash for its runtime with a speech model on a Cortex-M3.
BOARD_FLASH_BUDGET_commands := 22528
# Stack reserve (see STACK_SIZE in the Makefile): high-water 1,272 B (okay_nabu; micro_speech
# 1,180) + 36 B for an interrupt's exception frame (8 words, and 4 B of padding to 8-byte
# alignment) = 1,308, rounded up to 16.
BOARD_STACK_SIZE := 1312
