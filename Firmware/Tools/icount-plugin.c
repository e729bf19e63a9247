// A QEMU TCG plugin that counts the guest instructions executed between pairs of
// addresses, e.g. the firmware's icount_model_begin/icount_model_end markers.
//
//   qemu-system-arm ... -plugin icount-plugin.so,model=0x1234:0x1250,frontend=0x1260:0x1270
//
// `name=BEGIN:END:SKIP` leaves the region's first SKIP calls out (e.g. the audio periods before
// the model first runs, which would flatter a per-period figure).
//
// Every executed instruction bumps one inline counter (exact, cheap); an instruction at a
// begin address snapshots the counter, one at the matching end address adds the
// difference to that region. At exit it prints one line per region on stderr:
//   icount <name> calls=<n> total=<instructions> mean=<..> min=<..> max=<..>
//
// Debian's QEMU 7.2 is built with plugin support but ships no qemu-plugin.h, so the few
// declarations used are written out below from the documented plugin API (version 1).
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- QEMU plugin API v1, as documented in include/qemu/qemu-plugin.h ----
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; // only passed through
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_VERSION 1
QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;
// ---- end of the plugin API declarations ----

#define MAX_REGIONS 8

typedef struct {
    char name[32];
    uint64_t begin, end; // instruction addresses (Thumb bit cleared)
    uint64_t started_at;
    bool inside;
    uint64_t skip; // calls still to leave out
    uint64_t calls, total, min, max;
} Region;

static Region regions[MAX_REGIONS];
static int region_count;
static uint64_t executed; // all guest instructions so far (single vCPU)

static void on_begin(unsigned int vcpu, void *userdata) {
    (void)vcpu;
    Region *r = userdata;
    r->started_at = executed;
    r->inside = true;
}

static void on_end(unsigned int vcpu, void *userdata) {
    (void)vcpu;
    Region *r = userdata;
    if (!r->inside) return;
    uint64_t n = executed - r->started_at;
    r->inside = false;
    if (r->skip) {
        r->skip--;
        return;
    }
    r->calls++;
    r->total += n;
    if (r->calls == 1 || n < r->min) r->min = n;
    if (n > r->max) r->max = n;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t address = qemu_plugin_insn_vaddr(insn);
        // The marker instructions themselves may or may not be counted depending on
        // the order QEMU runs callbacks and inline ops in: a constant error of +-2.
        for (int r = 0; r < region_count; r++)
            if (address == regions[r].begin)
                qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, &regions[r]);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
        for (int r = 0; r < region_count; r++)
            if (address == regions[r].end)
                qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS, &regions[r]);
    }
}

static void report_at_exit(qemu_plugin_id_t id, void *userdata) {
    (void)id;
    (void)userdata;
    fprintf(stderr, "icount all total=%" PRIu64 "\n", executed);
    for (int r = 0; r < region_count; r++) {
        Region *g = &regions[r];
        fprintf(stderr, "icount %s calls=%" PRIu64 " total=%" PRIu64 " mean=%" PRIu64 " min=%" PRIu64
                " max=%" PRIu64 "\n", g->name, g->calls, g->total, g->calls ? g->total / g->calls : 0,
                g->min, g->max);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    (void)info;
    for (int i = 0; i < argc; i++) {
        // name=BEGIN:END[:SKIP], addresses in any base strtoull accepts.
        const char *eq = strchr(argv[i], '=');
        char *colon = NULL;
        if (!eq || region_count == MAX_REGIONS || (size_t)(eq - argv[i]) >= sizeof regions[0].name) goto bad;
        Region *r = &regions[region_count];
        memcpy(r->name, argv[i], (size_t)(eq - argv[i]));
        r->begin = strtoull(eq + 1, &colon, 0) & ~1ull; // Thumb function symbols have bit 0 set
        if (*colon != ':') goto bad;
        r->end = strtoull(colon + 1, &colon, 0) & ~1ull;
        if (*colon == ':') r->skip = strtoull(colon + 1, &colon, 0);
        if (*colon != '\0') goto bad;
        region_count++;
        continue;
    bad:
        fprintf(stderr, "icount-plugin: bad argument '%s'; expected name=BEGIN:END[:SKIP] (at most %d)\n", argv[i],
                MAX_REGIONS);
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, report_at_exit, NULL);
    return 0;
}
