// The interpreter snapshot in flash, read once at start-up. SNAPSHOT_PATH comes from the
// Makefile, which takes the snapshot by running the TAKE_SNAPSHOT image under QEMU.
    .section .snapshot, "a"
    .balign 16
    .global kws_snapshot_start
kws_snapshot_start:
    .incbin SNAPSHOT_PATH
    .global kws_snapshot_end
kws_snapshot_end:
