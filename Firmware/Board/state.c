// The buffers the firmware's setup snapshot points into, in their own section, which the
// linker script places right above the stack: their addresses then depend on STACK_SIZE alone,
// not on the code or on other data, and are the same in the image that takes the snapshot
// and in the firmware that restores it (Sources/SetupSnapshot.swift). Their sizes are the
// model's, generated at build time:
//   ARENA_BYTES (arena.h): what the model uses on this target, measured by the arena probe
//     (the snapshot image linked with a large arena; `make` prints the figure);
//   FRONTEND_STATE_BYTES (frontend_state.h): the window's overlap, the noise estimates and the
//     last frame (`Frontend.stateBytes(for:tables:)`, Tools/frontend-tables.swift); the
//     frontend's tables are read in place from flash and its per-frame scratch lies in the
//     interpreter's idle arena;
//   RECOGNIZER_BYTES (model_config.h, Tools/configure.py): a command model's held results
//     (`CommandRecognizer.storageBytes(labelCount:)`); none for a wake-word model.
#include "board.h"
#ifndef ARENA_BYTES  // the arena probe sets it on the command line
#include "arena.h"
#endif
#include "frontend_state.h"
#include "model_config.h"

static uint8_t arena[ARENA_BYTES] __attribute__((section(".state"), aligned(16)));
static uint8_t frontend_state[FRONTEND_STATE_BYTES] __attribute__((section(".state"), aligned(8)));
#if RECOGNIZER_BYTES > 0
static uint8_t recognizer_storage[RECOGNIZER_BYTES] __attribute__((section(".state"), aligned(8)));
uint8_t *board_recognizer_storage(void) { return recognizer_storage; }
#else
uint8_t *board_recognizer_storage(void) { return 0; }
#endif

uint8_t *board_arena(void) { return arena; }
uint32_t board_arena_size(void) { return sizeof arena; }
uint8_t *board_frontend_state(void) { return frontend_state; }
uint32_t board_frontend_state_size(void) { return sizeof frontend_state; }
uint32_t board_recognizer_storage_size(void) { return RECOGNIZER_BYTES; }
