// Times pymicro-features' C microfrontend natively: bench_frontend.py compiles this file into a
// small shared library, populates a FrontendState through ctypes, and passes the library's
// FrontendReset and FrontendProcessSamples, so every timed call goes from C to C with no
// Python in between.
#include <stddef.h>
#include <stdint.h>
#include <time.h>

// tensorflow/lite/experimental/microfrontend/lib/frontend.h's result, returned by value.
struct FrontendOutput {
    const uint16_t* values;
    size_t size;
};

typedef void (*ResetFunction)(void* state);
typedef struct FrontendOutput (*ProcessFunction)(void* state, const int16_t* samples, size_t count, size_t* read);

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// Runs every clip (clip k is samples[starts[k] ..< starts[k] + counts[k]], fresh state each) through
// the frontend `passes` times. Returns the fastest pass in seconds; *frames comes from the last pass,
// and with `sum_values` *checksum is the sum of every value of every frame (the timed passes leave it
// off, as the Swift side's timed loop reads only two values a frame).
double run_clips(void* state, ResetFunction reset, ProcessFunction process, const int16_t* samples,
                 const size_t* starts, const size_t* counts, size_t clips, int passes, int sum_values,
                 size_t* frames, uint64_t* checksum) {
    double best = 1e300;
    for (int pass = 0; pass < passes; pass++) {
        size_t pass_frames = 0;
        uint64_t sum = 0;
        double start = now_seconds();
        for (size_t k = 0; k < clips; k++) {
            reset(state);
            const int16_t* clip = samples + starts[k];
            size_t position = 0;
            while (position < counts[k]) {
                size_t read = 0;
                struct FrontendOutput out = process(state, clip + position, counts[k] - position, &read);
                position += read;
                if (out.size > 0) {
                    pass_frames++;
                    if (sum_values) {
                        for (size_t i = 0; i < out.size; i++) sum += out.values[i];
                    }
                }
            }
        }
        double elapsed = now_seconds() - start;
        if (elapsed < best) best = elapsed;
        *frames = pass_frames;
        *checksum = sum;
    }
    return best;
}
