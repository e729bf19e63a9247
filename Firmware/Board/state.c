// The buffers the firmware's setup snapshot points into, in their own section, which the
// linker script places right above the stack: their addresses then depend on STACK_SIZE alone,
// not on the code or on other data, and are the same in the image that takes the snapshot
// and in the firmware that restores it (Sources/SetupSnapshot.swift).
#include "board.h"

// The TFMicro tensor arena, sized to what micro_speech uses on the Cortex-M4 (7,088 bytes with
// TFMicro as of this commit; the firmware prints the figure) plus 16 bytes. A TFMicro change
// that needs more is an error naming the bytes needed when the snapshot is taken (`make` fails
// on it); raise the count here then.
#define ARENA_BYTES 7104
// The frontend's state: the window's overlap, the noise estimates and the last frame
// (`Frontend.stateBytes(for: .microSpeech, tables:)`). Its tables are read in place from flash
// and its per-frame scratch (2,244 bytes) lies in the interpreter's idle arena.
#define FRONTEND_STATE_BYTES 576
// The recognizer's held results for micro_speech's 4 labels
// (`CommandRecognizer.storageBytes(labelCount: 4)`: 50 results of an Int64 time and 4 scores).
#define RECOGNIZER_BYTES 600

static uint8_t arena[ARENA_BYTES] __attribute__((section(".state"), aligned(16)));
static uint8_t frontend_state[FRONTEND_STATE_BYTES] __attribute__((section(".state"), aligned(8)));
static uint8_t recognizer_storage[RECOGNIZER_BYTES] __attribute__((section(".state"), aligned(8)));

uint8_t *board_arena(void) { return arena; }
uint32_t board_arena_size(void) { return sizeof arena; }
uint8_t *board_frontend_state(void) { return frontend_state; }
uint32_t board_frontend_state_size(void) { return sizeof frontend_state; }
uint8_t *board_recognizer_storage(void) { return recognizer_storage; }
uint32_t board_recognizer_storage_size(void) { return sizeof recognizer_storage; }
