#ifndef KWS_CALSA_SHIM_H
#define KWS_CALSA_SHIM_H

#include <alsa/asoundlib.h>

// ALSA reports configuration and open failures twice: once as a return code and once as
// text on stderr through its default error handler. The tools turn return codes into their own
// messages, so they install a handler that drops ALSA's text. The handler type is variadic,
// which Swift cannot implement, hence these two helpers.
static void kws_alsa_discard_error(const char *file, int line, const char *function, int err,
                                   const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

/// Stops alsa-lib from printing its own error text to stderr.
static inline void kws_alsa_silence_errors(void) {
    snd_lib_error_set_handler(kws_alsa_discard_error);
}

/// Restores alsa-lib's default handler (prints to stderr), for --verbose.
static inline void kws_alsa_restore_errors(void) {
    snd_lib_error_set_handler(NULL);
}

/// Whether the ALSA configuration defines a PCM named `base` (the part of a device name before
/// any ':'), telling "no such name" apart from "a defined device whose card is missing".
static inline int kws_alsa_pcm_is_defined(const char *base) {
    snd_config_t *pcms = NULL, *node = NULL;
    if (snd_config_update() < 0 || snd_config == NULL) return 0;
    if (snd_config_search(snd_config, "pcm", &pcms) < 0) return 0;
    return snd_config_search(pcms, base, &node) == 0;
}

#endif
