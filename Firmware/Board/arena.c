// The TFMicro tensor arena, in its own section, which the linker script places right above
// the stack: the interpreter snapshot linked into the image holds absolute addresses into it.
#include "board.h"

// Sized to what micro_speech uses on the Cortex-M4 (7,088 bytes with TFMicro as of this
// commit; the firmware prints the figure) plus 16 bytes. A TFMicro change that needs more is
// an error naming the bytes needed when the snapshot is taken (`make` fails on it); raise
// the count here then.
#define ARENA_BYTES 7104

static uint8_t arena[ARENA_BYTES] __attribute__((section(".arena"), aligned(16)));

uint8_t *board_arena(void) { return arena; }
uint32_t board_arena_size(void) { return sizeof arena; }
