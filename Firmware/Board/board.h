// Board support for the firmware's QEMU boards (Board/<board>/), as seen from Swift.
// Everything here is small C on purpose: the Swift firmware talks to the board only
// through these functions, so a real board swaps this folder and keeps the Swift code.
#ifndef KWS_BOARD_H
#define KWS_BOARD_H

#include <stddef.h>
#include <stdint.h>

// --- Console (UART0 of the MPS2, 0x40004000) ---
void board_console_write(const uint8_t *bytes, size_t count);

// --- ARM semihosting (the debugger/QEMU host services) ---
// Copies the program's command line (QEMU: -semihosting-config ...,arg=...) into
// `buffer` as a NUL-terminated string. Returns its length, or -1 on failure.
int32_t semihosting_command_line(void *buffer, uint32_t capacity);
// Opens a host file for binary reading. Returns a handle, or -1.
int32_t semihosting_open_for_reading(const void *path, uint32_t length);
// Reads up to `count` bytes. Returns the number of bytes read (0 at end of file), or -1.
int32_t semihosting_read(int32_t handle, void *buffer, uint32_t count);
// Creates (or truncates) a host file for binary writing. Returns a handle, or -1.
int32_t semihosting_open_for_writing(const void *path, uint32_t length);
// Writes all `count` bytes. Returns 0, or -1.
int32_t semihosting_write(int32_t handle, const void *buffer, uint32_t count);
void semihosting_close(int32_t handle);
// Ends the simulation; QEMU exits with `code`.
void semihosting_exit(int32_t code) __attribute__((noreturn));

// --- Model and static memory placed by the linker ---
// The keyword model, linked into flash with .incbin and read in place.
const uint8_t *board_model_data(void);
uint32_t board_model_size(void);
// The buffers the setup snapshot points into, in .state right above the stack (Board/state.c):
// the tensor arena, the frontend's state and the recognizer's results.
uint8_t *board_arena(void);
uint32_t board_arena_size(void);
uint8_t *board_frontend_state(void);
uint32_t board_frontend_state_size(void);
uint8_t *board_recognizer_storage(void);
uint32_t board_recognizer_storage_size(void);
// The setup snapshot taken at build time for this model and these buffers (Board/snapshot.S).
// Inline, so that the image that takes the snapshot, which links none, does not refer to it.
extern const uint8_t kws_snapshot_start[], kws_snapshot_end[];
static inline const uint8_t *board_snapshot_data(void) { return kws_snapshot_start; }
static inline uint32_t board_snapshot_size(void) { return (uint32_t)(kws_snapshot_end - kws_snapshot_start); }

// Where the setup snapshot goes (the section .snapshot, at the same address in both images):
// the image that takes it reserves SETUP_SNAPSHOT_SIZE bytes there, sets the interpreter up
// with its persistent arena inside them and writes the snapshot around it (QEMU's flash is
// writable memory), so that the firmware reads that arena in place.
extern uint8_t __snapshot_start[], __snapshot_end[];
static inline uint8_t *board_setup_snapshot(void) { return __snapshot_start; }
static inline uint32_t board_setup_snapshot_size(void) { return (uint32_t)(__snapshot_end - __snapshot_start); }

// --- Frontend tables (generated at build time by Tools/frontend-tables.swift) ---
// The frontend's setup tables for the model's settings, read in place from flash.
// Counts are in elements. The FFT's twiddles are derived from a quarter wave of sines.
// The window may be in quarter form (its first quarter, then (index, coefficient) exceptions),
// no unweights means packed weights and no frequency and weight starts the contiguous form
// (boundary_count is the widths'): FrontendTables in Sources/AudioFrontend says how.
struct frontend_tables {
    const int16_t *window; uint32_t window_count;
    const int16_t *sines; uint32_t sine_count;
    int32_t start_index; int32_t end_index;
    const int16_t *frequency_starts; const int16_t *weight_starts; const int16_t *widths; uint32_t boundary_count;
    const int16_t *weights; uint32_t weight_count; const int16_t *unweights; uint32_t unweight_count;
    const int16_t *pcan_gains; uint32_t pcan_gain_count;
    const uint16_t *log_table; uint32_t log_table_count;
};
const struct frontend_tables *board_frontend_tables(void);

// --- Stack measurement ---
// Bytes of the stack region that were ever written since reset (the stack is painted
// with a pattern before main runs), and the size of the region.
uint32_t board_stack_high_water(void);
uint32_t board_stack_size(void);

// --- Instruction-count markers ---
// Empty functions whose addresses the QEMU instruction-count plugin watches; calls cost
// a few instructions and change nothing else.
void icount_model_begin(void);
void icount_model_end(void);
void icount_frontend_begin(void);
void icount_frontend_end(void);
void icount_pipeline_begin(void);
void icount_pipeline_end(void);

#endif
