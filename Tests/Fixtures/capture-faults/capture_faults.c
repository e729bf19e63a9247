/*
 * Capture faults, injected: an LD_PRELOAD library over ALSA's snd_pcm_readi and snd_pcm_open that
 * makes the real capture path see what a real card does (overruns, suspends, short reads, I/O
 * errors, a device that vanishes and comes back) at chosen points. Used by CaptureFaultTests.
 *
 * KWS_CAPTURE_FAULTS = comma-separated N:FAULT, N counting snd_pcm_readi calls from 1:
 *   EPIPE, ESTRPIPE, EAGAIN, EIO  the call returns -FAULT without reading (no audio is lost)
 *   short                         the call reads a third of the frames asked for
 *   ENODEV                        the call returns -ENODEV and the device is gone: the next
 *                                 KWS_CAPTURE_GONE_OPENS (default 3) snd_pcm_open calls fail with
 *                                 -ENODEV, later ones open it again
 */
#define _GNU_SOURCE
#include <alsa/asoundlib.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FAULTS 64

enum fault { FAULT_NONE, FAULT_ERROR, FAULT_SHORT, FAULT_GONE };

struct planned {
    long call;
    enum fault kind;
    int code;
};

static struct planned plan[MAX_FAULTS];
static int planned_count = -1;
static long read_calls;
static long opens_refused_left;

static void load_plan(void) {
    if (planned_count >= 0) return;
    planned_count = 0;
    const char *spec = getenv("KWS_CAPTURE_FAULTS");
    if (!spec) return;
    char *copy = strdup(spec);
    for (char *item = strtok(copy, ","); item && planned_count < MAX_FAULTS; item = strtok(NULL, ",")) {
        char *colon = strchr(item, ':');
        if (!colon) continue;
        *colon = 0;
        struct planned p = {atol(item), FAULT_ERROR, 0};
        const char *name = colon + 1;
        if (!strcmp(name, "EPIPE")) p.code = EPIPE;
        else if (!strcmp(name, "ESTRPIPE")) p.code = ESTRPIPE;
        else if (!strcmp(name, "EAGAIN")) p.code = EAGAIN;
        else if (!strcmp(name, "EIO")) p.code = EIO;
        else if (!strcmp(name, "ENODEV")) { p.kind = FAULT_GONE; p.code = ENODEV; }
        else if (!strcmp(name, "short")) p.kind = FAULT_SHORT;
        else continue;
        plan[planned_count++] = p;
    }
    free(copy);
}

static const struct planned *fault_for(long call) {
    for (int i = 0; i < planned_count; i++)
        if (plan[i].call == call) return &plan[i];
    return NULL;
}

snd_pcm_sframes_t snd_pcm_readi(snd_pcm_t *pcm, void *buffer, snd_pcm_uframes_t size) {
    static snd_pcm_sframes_t (*real)(snd_pcm_t *, void *, snd_pcm_uframes_t);
    if (!real) real = dlsym(RTLD_NEXT, "snd_pcm_readi");
    load_plan();
    const struct planned *f = fault_for(++read_calls);
    if (!f) return real(pcm, buffer, size);
    switch (f->kind) {
    case FAULT_SHORT:
        return real(pcm, buffer, size > 3 ? size / 3 : 1);
    case FAULT_GONE: {
        const char *opens = getenv("KWS_CAPTURE_GONE_OPENS");
        opens_refused_left = opens ? atol(opens) : 3;
        return -f->code;
    }
    default:
        return -f->code;
    }
}

int snd_pcm_open(snd_pcm_t **pcm, const char *name, snd_pcm_stream_t stream, int mode) {
    static int (*real)(snd_pcm_t **, const char *, snd_pcm_stream_t, int);
    if (!real) real = dlsym(RTLD_NEXT, "snd_pcm_open");
    if (opens_refused_left > 0) {
        opens_refused_left--;
        return -ENODEV;
    }
    return real(pcm, name, stream, mode);
}
