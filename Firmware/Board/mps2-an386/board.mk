# QEMU's mps2-an386: a Cortex-M4 with FPU (ARMv7E-M), 4 MB of code SSRAM at 0 standing in for
# flash, 4 MB of SRAM at 0x20000000, a CMSDK UART.
BOARD_CPU := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
BOARD_SWIFT_TARGET := -target armv7em-none-none-eabi -Xcc -mcpu=cortex-m4 -Xcc -mfloat-abi=hard -Xcc -mfpu=fpv4-sp-d16
# The DSP extension's dual 16-bit multiply-accumulates (SMLAD) for the depthwise kernel that
# uses them (Sources/TFMicro/Kernels/DepthwiseConv2D+DualMAC.swift), through the Builtin module.
BOARD_SWIFT_TARGET += -D CORTEX_M_DSP -enable-builtin-module
BOARD_QEMU := -M mps2-an386 -cpu cortex-m4
# Issue 14's target for micro_speech on the Cortex-M4: everything flashed but the model.
BOARD_FLASHED_BUDGET_commands := 16384
BOARD_C := cmsdk-uart.c
# The arena the build's probe offers the model (it measures what the model uses).
BOARD_PROBE_ARENA := 262144
BOARD_RAM_BYTES := 4194304
# Stack reserve (see STACK_SIZE in the Makefile): high-water 1,272 B (okay_nabu, alexa,
# hey_jarvis, hey_mycroft; micro_speech 1,180) + 108 B for an interrupt's exception frame with
# FPU state (26 words, and 4 B of padding to 8-byte alignment) = 1,380, rounded up to 16.
BOARD_STACK_SIZE := 1392
